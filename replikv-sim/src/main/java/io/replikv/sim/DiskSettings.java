package io.replikv.sim;

import io.replikv.core.util.Invariants;

/**
 * How a node's simulated disk behaves. A sync requested at tick t completes at t + a delay drawn
 * from [{@code syncDelayTicksMin}, {@code syncDelayTicksMax}] (syncs of one node complete in the
 * order they were requested); messages the node queued to be sent after persistence leave only
 * then. With {@code tearOnCrash}, a crash makes a random prefix of the unsynced writes durable
 * instead of none (a write that reached the platter before the power went).
 */
public record DiskSettings(long syncDelayTicksMin, long syncDelayTicksMax, boolean tearOnCrash) {
    /** Syncs complete at once, in the same tick; a crash loses exactly the unsynced writes. */
    public static final DiskSettings IMMEDIATE = new DiskSettings(0, 0, false);

    public DiskSettings {
        Invariants.check(syncDelayTicksMin >= 0 && syncDelayTicksMin <= syncDelayTicksMax,
                "sync delay range [%d, %d] must be non-negative and non-empty", syncDelayTicksMin, syncDelayTicksMax);
    }

    public static DiskSettings delayed(long min, long max) {
        return new DiskSettings(min, max, false);
    }

    public DiskSettings withTearOnCrash(boolean tear) {
        return new DiskSettings(syncDelayTicksMin, syncDelayTicksMax, tear);
    }
}
