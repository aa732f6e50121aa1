package io.replikv.core.raft;

/** The answer to {@link RaftCore#transferLeadership}. */
public enum TransferResult {
    /** The target is being brought up to date and will be told to campaign. */
    STARTED,
    /** Only a leader can hand over leadership. */
    NOT_LEADER,
    /** The target is this node. */
    ALREADY_LEADER,
    /** The target is not a member of the group. */
    UNKNOWN_MEMBER
}
