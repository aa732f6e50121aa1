package io.replikv.core.msg;

import io.replikv.core.Message;

/**
 * The first frame on a connection between two nodes, so the receiver knows who is talking
 * ({@code name} is the sender's node name) and which codec format the sender writes
 * ({@code codecVersion}, see io.replikv.core.codec.Codec#FORMAT_VERSION). Not a
 * {@link ClientMessage}: it belongs to the transport, not to the client protocol.
 */
public record PeerHello(String name, int codecVersion) implements Message {}
