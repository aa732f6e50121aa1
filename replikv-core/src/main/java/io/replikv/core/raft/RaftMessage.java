package io.replikv.core.raft;

import io.replikv.core.Message;
import io.replikv.core.util.Bytes;
import java.util.List;

/**
 * The messages Raft peers exchange (extended Raft paper, plus PreVote, CheckQuorum, ReadIndex and
 * leader transfer from the thesis). Every message carries the sender's term; the sender is the
 * envelope's {@code from}. Replies are only ever sent after the state they report is durable.
 */
public sealed interface RaftMessage extends Message {
    long term();

    /**
     * A vote request. With {@code preVote} it asks "would you vote for me in {@code term}?" and
     * changes nobody's term or vote (thesis §9.6). {@code transfer} marks an election started by
     * a leader transfer (TimeoutNow): voters then ignore their leader lease.
     */
    record RequestVote(long term, long lastLogIndex, long lastLogTerm, boolean preVote, boolean transfer)
            implements RaftMessage {}

    /** The answer to a vote request. A granted pre-vote carries the term it was asked about. */
    record RequestVoteReply(long term, boolean granted, boolean preVote) implements RaftMessage {}

    /** Entries after {@code prevLogIndex}, which the follower must hold with {@code prevLogTerm}. */
    record AppendEntries(long term, long prevLogIndex, long prevLogTerm, List<LogEntry> entries, long leaderCommit)
            implements RaftMessage {
        public AppendEntries {
            entries = List.copyOf(entries);
        }
    }

    /**
     * The answer to an append. On success {@code matchIndex} is the last index known to match the
     * leader. On failure {@code rejectedIndex} is the rejected prevLogIndex and the conflict hint
     * ({@code conflictIndex}, {@code conflictTerm}) lets the leader skip a whole term per round trip
     * ({@link Backtrack}); {@code conflictTerm} 0 means the follower's log is too short.
     */
    record AppendEntriesReply(long term, boolean success, long matchIndex, long rejectedIndex, long conflictIndex,
                              long conflictTerm) implements RaftMessage {}

    /**
     * Leader liveness and commit propagation without log content. {@code commitIndex} is never
     * beyond what the leader knows the follower holds. {@code round} numbers the heartbeat rounds
     * that confirm leadership for ReadIndex.
     */
    record Heartbeat(long term, long commitIndex, long round) implements RaftMessage {}

    record HeartbeatReply(long term, long round) implements RaftMessage {}

    /**
     * The leader's whole snapshot, for a follower that needs entries the leader has compacted.
     * Sent in one message: the state machine's snapshot must fit in a frame (16 MiB).
     */
    record InstallSnapshot(long term, long lastIncludedIndex, long lastIncludedTerm, Bytes data)
            implements RaftMessage {}

    /** {@code matchIndex}: the follower now holds everything up to here. */
    record InstallSnapshotReply(long term, long matchIndex) implements RaftMessage {}

    /** Leader transfer: "start an election now, without pre-vote" (thesis §3.10). */
    record TimeoutNow(long term) implements RaftMessage {}

    /**
     * A storage completion, as a message: a leader sends it to itself after persistence, and its
     * arrival says that its own log is durable through {@code lastIndex}. Only then does the leader
     * count itself towards a commit (the shell may keep delivering inputs while a sync is pending,
     * as the simulator's slow disks do). Shells route messages addressed to the sender back to it.
     */
    record LogPersisted(long term, long lastIndex) implements RaftMessage {}
}
