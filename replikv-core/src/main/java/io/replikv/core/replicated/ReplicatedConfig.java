package io.replikv.core.replicated;

import io.replikv.core.util.Invariants;

/**
 * Batching, bounds and compaction of a {@link ReplicatedNode}. Ticks are core time (10 ms in the
 * runtime's default).
 *
 * @param idleBatchTicks             a leader with no message to log proposes its ticks alone once this
 *                                   many have accumulated (and no proposal is in flight); with messages
 *                                   the ticks ride along in the same entry. Default 5 (50 ms): the
 *                                   inner node's timers (a 100 ms ping interval, 200 ms resends, a
 *                                   500 ms dead time) see time in steps well under their own, while an
 *                                   idle group logs at most 20 entries a second.
 * @param bufferedInputsMax          messages the leader holds for its next entry; beyond it a message is
 *                                   dropped, as the network may drop it (the protocols resend). Default
 *                                   1024: far above one ping per replica and view-change round.
 * @param bufferedInputBytesMax      encoded bytes the leader holds for its next entry, likewise. Default
 *                                   4 MiB: a batch fits an append message and a codec frame (16 MiB).
 * @param compactionIntervalEntries  every member compacts at each log index that is a multiple of this,
 *                                   restarting its inner node from the inner storage (see
 *                                   {@link ReplicatedNode}). Default {@link #COMPACTION_INTERVAL_ENTRIES}.
 */
public record ReplicatedConfig(long idleBatchTicks, int bufferedInputsMax, long bufferedInputBytesMax,
                               long compactionIntervalEntries) {
    /**
     * Default compaction interval, in log entries. A compaction restarts the inner node, which for
     * the group view service resets its failure detector (every member counts as just heard), so
     * compactions must be rare compared to a dead time: a group of N replicas pinging every 100 ms
     * logs at most about 10·N + 20 entries a second (pings, plus an idle batch every 50 ms), so
     * 1000 entries span many seconds against a 0.5 s dead time, while the log stays small.
     */
    public static final long COMPACTION_INTERVAL_ENTRIES = 1000;
    /** The most inputs one entry may hold, whatever the configuration: bounds decoding of a stored batch. */
    public static final int BUFFERED_INPUTS_LIMIT = 1 << 16;

    public static final ReplicatedConfig DEFAULT = new ReplicatedConfig(5, 1024, 4L * 1024 * 1024,
            COMPACTION_INTERVAL_ENTRIES);

    public ReplicatedConfig {
        Invariants.check(idleBatchTicks > 0 && bufferedInputsMax > 0 && bufferedInputsMax <= BUFFERED_INPUTS_LIMIT
                        && bufferedInputBytesMax > 0 && compactionIntervalEntries > 0,
                "bad replicated-node config: idle batch %d ticks, %d inputs, %d bytes, compaction every %d entries",
                idleBatchTicks, bufferedInputsMax, bufferedInputBytesMax, compactionIntervalEntries);
    }

    public ReplicatedConfig withCompactionIntervalEntries(long entries) {
        return new ReplicatedConfig(idleBatchTicks, bufferedInputsMax, bufferedInputBytesMax, entries);
    }

    public ReplicatedConfig withIdleBatchTicks(long ticks) {
        return new ReplicatedConfig(ticks, bufferedInputsMax, bufferedInputBytesMax, compactionIntervalEntries);
    }

    public ReplicatedConfig withBufferedInputsMax(int inputs) {
        return new ReplicatedConfig(idleBatchTicks, inputs, bufferedInputBytesMax, compactionIntervalEntries);
    }
}
