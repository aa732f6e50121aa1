package io.replikv.server.runtime;

import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.msg.ClientRequest;
import java.util.concurrent.CompletableFuture;

/**
 * What a client front door (RESP, tests) needs from the node it serves. Every method is
 * thread-safe and non-blocking; the node itself is only touched on its own thread.
 */
public interface NodeGateway {
    /** The node's name. */
    NodeId self();

    /** A new connection id, {@code c<number>}, unique in this process; replies to it go to {@code sink}. */
    NodeId registerConnection(ClientSink sink);

    /** The connection closed: replies still addressed to it are dropped. */
    void unregisterConnection(NodeId connection);

    /**
     * Posts a request from {@code connection} to the node. False when the node's inbox is full
     * (or the node has stopped): the request was certainly not delivered.
     */
    boolean submit(NodeId connection, ClientRequest request);

    /** The node's status, read on the node thread; fails if the node has stopped. */
    CompletableFuture<NodeStatus> status();
}
