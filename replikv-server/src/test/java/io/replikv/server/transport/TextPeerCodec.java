package io.replikv.server.transport;

import io.replikv.core.Message;
import io.replikv.core.util.MalformedInputException;
import java.nio.charset.StandardCharsets;

/** A stand-in codec for transport tests only: one message type, a text, as 'T' + UTF-8. */
public final class TextPeerCodec implements PeerCodec {
    public record TestMessage(String text) implements Message {}

    @Override
    public byte[] encode(Message message) {
        if (!(message instanceof TestMessage t)) throw new IllegalArgumentException("not a test message: " + message);
        return ("T" + t.text()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Message decode(byte[] body) {
        if (body.length == 0 || body[0] != 'T') throw new MalformedInputException("not a test message");
        return new TestMessage(new String(body, 1, body.length - 1, StandardCharsets.UTF_8));
    }
}
