package io.replikv.core.raft;

import io.replikv.core.util.Invariants;

/**
 * Timing, limits and options of a Raft node. Ticks are core time; the shell decides their length
 * (the defaults assume 10 ms ticks, as {@link io.replikv.core.client.ClientConfig#DEFAULT} does).
 *
 * @param electionTimeoutTicks   base election timeout; a follower waits a random time in [base, 2*base)
 *                               without hearing from a leader before it campaigns, a leader steps down
 *                               after this long without hearing from a quorum (CheckQuorum), and a
 *                               follower that heard from its leader within this long ignores votes
 *                               (leader lease). Default 30 (300 ms): several heartbeats must be lost
 *                               before anyone campaigns, and an election still ends well within the 1 s
 *                               the 6.824 tests allow.
 * @param heartbeatTicks         how often a leader sends heartbeats. Default 10 (100 ms, ten per second,
 *                               the rate the 6.824 tests allow); must be well below the election timeout.
 * @param inflightAppendsMax     appends a leader may have unacknowledged per follower while streaming
 *                               (etcd's MaxInflightMsgs); bounds the memory and bandwidth a slow or dead
 *                               follower can cost. Default 32.
 * @param entriesPerAppendMax    entries per append message. Default 128: catch-up of a follower that
 *                               missed thousands of entries takes few round trips.
 * @param bytesPerAppendMax      payload bytes per append message (an entry larger than this still goes,
 *                               alone). Default 1 MiB, far below the 16 MiB frame limit.
 * @param pendingReadsMax        read requests a leader holds while confirming leadership; beyond it reads
 *                               are refused as busy. Default 4096.
 * @param preVote                campaign with a pre-vote round first (thesis §9.6), so a node that was cut
 *                               off does not bump the term and depose a healthy leader when it returns.
 * @param checkQuorum            a leader that has not heard from a quorum for an election timeout steps
 *                               down, and followers that hear from a leader ignore vote requests.
 * @param noopOnElection         a new leader appends an empty entry, so it can commit its predecessors'
 *                               entries and serve reads at once. Off only to reproduce the 6.824 Raft
 *                               tests, which count exact log indexes; without it the first ReadIndex of a
 *                               term appends the no-op on demand.
 * @param snapshotLogEntriesMax  the application snapshots when the log holds more entries than this
 *                               (0: never by count).
 * @param snapshotLogBytesMax    the application snapshots when the persisted Raft state (log and term/vote)
 *                               exceeds this many bytes, like 6.824's maxraftstate (0: never by size).
 */
public record RaftConfig(long electionTimeoutTicks, long heartbeatTicks, int inflightAppendsMax,
                         int entriesPerAppendMax, long bytesPerAppendMax, int pendingReadsMax, boolean preVote,
                         boolean checkQuorum, boolean noopOnElection, long snapshotLogEntriesMax,
                         long snapshotLogBytesMax) {

    public static final RaftConfig DEFAULT = new RaftConfig(30, 10, 32, 128, 1024 * 1024, 4096, true, true, true,
            10_000, 0);

    public RaftConfig {
        Invariants.check(heartbeatTicks > 0 && electionTimeoutTicks > heartbeatTicks,
                "election timeout (%d ticks) must exceed the heartbeat interval (%d ticks)",
                electionTimeoutTicks, heartbeatTicks);
        Invariants.check(inflightAppendsMax > 0 && entriesPerAppendMax > 0 && bytesPerAppendMax > 0
                        && pendingReadsMax > 0, "raft limits must be positive: %d %d %d %d", inflightAppendsMax,
                entriesPerAppendMax, bytesPerAppendMax, pendingReadsMax);
        Invariants.check(snapshotLogEntriesMax >= 0 && snapshotLogBytesMax >= 0, "negative snapshot threshold");
    }

    public RaftConfig withNoopOnElection(boolean on) {
        return new RaftConfig(electionTimeoutTicks, heartbeatTicks, inflightAppendsMax, entriesPerAppendMax,
                bytesPerAppendMax, pendingReadsMax, preVote, checkQuorum, on, snapshotLogEntriesMax,
                snapshotLogBytesMax);
    }

    public RaftConfig withPreVote(boolean on) {
        return new RaftConfig(electionTimeoutTicks, heartbeatTicks, inflightAppendsMax, entriesPerAppendMax,
                bytesPerAppendMax, pendingReadsMax, on, checkQuorum, noopOnElection, snapshotLogEntriesMax,
                snapshotLogBytesMax);
    }

    public RaftConfig withCheckQuorum(boolean on) {
        return new RaftConfig(electionTimeoutTicks, heartbeatTicks, inflightAppendsMax, entriesPerAppendMax,
                bytesPerAppendMax, pendingReadsMax, preVote, on, noopOnElection, snapshotLogEntriesMax,
                snapshotLogBytesMax);
    }

    /** Snapshot thresholds (0 turns one off). */
    public RaftConfig withSnapshotThresholds(long logEntriesMax, long logBytesMax) {
        return new RaftConfig(electionTimeoutTicks, heartbeatTicks, inflightAppendsMax, entriesPerAppendMax,
                bytesPerAppendMax, pendingReadsMax, preVote, checkQuorum, noopOnElection, logEntriesMax, logBytesMax);
    }

    public RaftConfig withAppendLimits(int inflightMax, int entriesMax, long bytesMax) {
        return new RaftConfig(electionTimeoutTicks, heartbeatTicks, inflightMax, entriesMax, bytesMax,
                pendingReadsMax, preVote, checkQuorum, noopOnElection, snapshotLogEntriesMax, snapshotLogBytesMax);
    }
}
