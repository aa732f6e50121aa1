package io.replikv.core.raft;

import io.replikv.core.NodeId;

/** The outcome of {@link RaftCore#propose}: an operating result, never an exception. */
public sealed interface Proposal {
    /** Appended to the leader's log at {@code index} in {@code term}; it commits there or is lost with this term. */
    record Accepted(long index, long term) implements Proposal {}

    /** This node is not the leader; {@code leaderHint} is the leader it knows of, or null. */
    record NotLeader(NodeId leaderHint) implements Proposal {}

    /** The leader cannot take proposals now (a leader transfer is under way). */
    record Busy(String reason) implements Proposal {}
}
