package io.replikv.core.vsraft;

import io.replikv.core.NodeId;
import io.replikv.core.viewservice.View;

/**
 * A change to the replicated view-service state ({@link VsState}): the payload of one Raft log
 * entry. The leader computes a command from the committed state and what it observed (a ping,
 * who is alive); every member applies it when it is committed. Applying re-checks the command
 * against the state it meets ({@link VsState#apply}), so a command computed from a state that
 * another leader's entries have since changed is a no-op rather than a wrong turn.
 */
public sealed interface VsCommand {
    /** The first server to ping while the view number is 0 becomes primary of view 1. */
    record FirstView(NodeId primary) implements VsCommand {}

    /** The primary of view {@code viewNumber} pinged with its number: the view is acknowledged. */
    record Acknowledge(long viewNumber, NodeId primary) implements VsCommand {}

    /**
     * Member {@code server} of view {@code viewNumber} pinged a nonzero view number: it has learned a
     * view, so a later ping with 0 from it is a restart with empty state.
     */
    record Learned(long viewNumber, NodeId server) implements VsCommand {}

    /** Member {@code server} of view {@code viewNumber}, having learned a view, pinged 0: it restarted. */
    record Restarted(long viewNumber, NodeId server) implements VsCommand {}

    /** The acknowledged view is followed by {@code next} (computed by {@link io.replikv.core.viewservice.ViewSuccession}). */
    record NewView(View next) implements VsCommand {}
}
