package io.replikv.core.raft;

import io.replikv.core.NodeId;

/** What became of a linearizable read registered with {@link RaftCore#requestRead}. */
public sealed interface ReadOutcome {
    long readId();

    /**
     * Leadership was confirmed after the read arrived: the read may be served from the state
     * machine once it has applied everything up to {@code readIndex}.
     */
    record Ready(long readId, long readIndex) implements ReadOutcome {}

    /** The read cannot be served here (not leader, lost leadership, too many reads); nothing was read. */
    record Refused(long readId, NodeId leaderHint, String reason) implements ReadOutcome {}
}
