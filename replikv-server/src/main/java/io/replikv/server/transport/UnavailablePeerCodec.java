package io.replikv.server.transport;

import io.replikv.core.Message;
import io.replikv.core.util.MalformedInputException;

/**
 * The codec of a build whose binary message codec (io.replikv.core.codec) is not wired in yet:
 * nothing encodes and nothing decodes. Mode single never sends peer messages, so it runs fine;
 * a peer that sends anything after its hello is disconnected with reason "undecodable".
 */
public final class UnavailablePeerCodec implements PeerCodec {
    @Override
    public byte[] encode(Message message) {
        throw new IllegalStateException("no peer codec in this build; cannot send " + message.getClass().getSimpleName());
    }

    @Override
    public Message decode(byte[] body) {
        throw new MalformedInputException("no peer codec in this build; peer messages cannot be decoded");
    }
}
