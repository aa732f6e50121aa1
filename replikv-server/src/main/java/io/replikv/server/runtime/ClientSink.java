package io.replikv.server.runtime;

import io.replikv.core.msg.ClientReply;

/**
 * Where the runtime delivers a core's reply to a client connection. Called on the node thread;
 * implementations hand the reply over to their own thread and return at once.
 */
public interface ClientSink {
    void deliver(ClientReply reply);
}
