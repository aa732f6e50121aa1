package io.replikv.server.transport;

import io.replikv.core.Message;
import io.replikv.core.NodeId;

/** Where a transport hands every decoded peer message (the node runtime). Called on transport threads. */
public interface PeerInbox {
    void deliver(NodeId from, Message message);
}
