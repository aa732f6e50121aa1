package io.replikv.server.transport;

import io.replikv.core.Message;
import io.replikv.core.util.MalformedInputException;

/**
 * Turns peer messages into frame bodies and back. The production implementation wraps the core's
 * reflection codec (io.replikv.core.codec); the transport only frames and routes bytes.
 * Implementations are thread-safe (encode runs on event-loop threads, decode too).
 */
public interface PeerCodec {
    /** The body of one frame. May throw if the message type is not known to the codec (a bug). */
    byte[] encode(Message message);

    /** The message in {@code body}; bytes from a peer are untrusted, so anything wrong is a {@link MalformedInputException}. */
    Message decode(byte[] body) throws MalformedInputException;
}
