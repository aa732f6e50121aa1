package io.replikv.server.runtime;

import io.replikv.core.NodeId;

/**
 * Told when a node must stop: its core broke an invariant (or threw anything else), or its
 * storage failed. The node thread has already stopped taking input. Production exits the process
 * non-zero; tests record the cause.
 */
@FunctionalInterface
public interface FatalHandler {
    void onFatal(NodeId node, Throwable cause);
}
