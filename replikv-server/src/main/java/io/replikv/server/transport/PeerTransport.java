package io.replikv.server.transport;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import java.net.InetSocketAddress;

/**
 * Moves messages between the nodes of a cluster. Delivery is best effort: a message may be
 * dropped (full queue, no connection, peer down) and the protocols retry; it is never
 * corrupted, and messages on one link arrive in the order sent. {@link NettyPeerTransport} is the
 * TCP implementation; tests and other shells substitute their own.
 */
public interface PeerTransport extends AutoCloseable {
    /** Starts listening (if this transport listens) and routes every received message to {@code inbox}. */
    void start(PeerInbox inbox) throws Exception;

    /** The address peers reach this node at (after {@link #start}), or null if it does not listen. */
    InetSocketAddress boundAddress();

    /** Tells the transport where {@code peer} listens (configuration; a hello can teach it too). */
    void addPeer(NodeId peer, HostPort address);

    /** Queues {@code message} for {@code to}. Thread-safe, never blocks; may drop (counted). */
    void send(NodeId to, Message message);

    /** Stops listening, closes every connection, drops what is queued. */
    @Override
    void close();
}
