package io.replikv.server.runtime;

import io.replikv.core.Node;
import io.replikv.core.NodeStatus;

/**
 * Builds the core of one replication mode. The server runtime hosts whatever {@link Node} this
 * returns: it drives it with client requests, peer messages and ticks on one thread and carries
 * out its effects. To add a mode, implement this and register it in {@link ModeRegistry#standard()}.
 */
public interface ModeFactory {
    /** The mode's name on the command line: single, pb, 2pc, raft, viewservice. */
    String mode();

    /**
     * Builds the node. Throws IllegalArgumentException for a configuration the mode cannot run
     * with (e.g. raft without peers); the message is shown to the user.
     */
    Node create(ModeContext context);

    /** Whether the node can serve clients now (HTTP /readyz). */
    default boolean ready(NodeStatus status) {
        return true;
    }
}
