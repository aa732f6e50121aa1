package io.replikv.sim;

import io.replikv.core.storage.LogStore;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.SnapshotStore;
import io.replikv.core.storage.StableStore;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.Prng;
import java.util.ArrayDeque;

/**
 * A simulated disk with a page cache. {@link #apply} writes to the volatile view at once (reads see
 * it, as a process sees its own writes) and queues the op as pending; {@link #sync} makes the
 * pending ops durable; {@link #crash} forgets them, so the volatile view falls back to the durable
 * state, which is all a restarted node recovers. With tearing on, a crash first makes a random
 * prefix of the pending ops durable (some writes reached the platter, later ones did not).
 */
public final class SimDisk implements Storage {
    private final Prng prng;
    private boolean tearOnCrash;
    private final MemoryStorage durable = new MemoryStorage();
    private MemoryStorage cache = new MemoryStorage();
    private final ArrayDeque<PersistOp> pending = new ArrayDeque<>();
    private long appliedOps;
    private long durableOps;
    private long syncs;
    private long crashes;
    private long lostOps;

    /** {@code prng} decides how much a torn crash keeps. */
    public SimDisk(Prng prng, boolean tearOnCrash) {
        this.prng = prng;
        this.tearOnCrash = tearOnCrash;
    }

    public void setTearOnCrash(boolean tear) {
        this.tearOnCrash = tear;
    }

    @Override public StableStore stable() { return cache; }
    @Override public LogStore log() { return cache; }
    @Override public SnapshotStore snapshots() { return cache; }

    @Override
    public void apply(PersistOp op) {
        cache.apply(op);
        pending.addLast(op);
        appliedOps++;
    }

    /** Makes every op applied so far durable. */
    @Override
    public void sync() {
        syncThrough(appliedOps);
    }

    /**
     * Makes the ops up to the {@code targetOps}-th ever applied durable (a sync that was requested
     * when that many ops had been applied and completes now). Counts as one sync.
     */
    public void syncThrough(long targetOps) {
        Invariants.check(targetOps <= appliedOps, "sync through op %d but only %d applied", targetOps, appliedOps);
        while (durableOps < targetOps) {
            durable.apply(pending.removeFirst());
            durableOps++;
        }
        syncs++;
    }

    /** Loses what was not synced (or, tearing, all but a random prefix of it). Returns how many ops were lost. */
    public int crash() {
        int keep = tearOnCrash && !pending.isEmpty() ? prng.nextInt(pending.size() + 1) : 0;
        for (int i = 0; i < keep; i++) {
            durable.apply(pending.removeFirst());
            durableOps++;
        }
        int lost = pending.size();
        pending.clear();
        appliedOps = durableOps;
        lostOps += lost;
        crashes++;
        cache = durable.copy();
        return lost;
    }

    /** A copy of the durable state: what a restart would recover right now. */
    public MemoryStorage durableCopy() {
        return durable.copy();
    }

    /** Ops applied but not yet durable. */
    public int pendingOps() {
        return pending.size();
    }

    /** Ops applied since the disk was created (after a crash: the durable ones only). */
    public long appliedOps() {
        return appliedOps;
    }

    public long durableOps() {
        return durableOps;
    }

    public long syncCount() {
        return syncs;
    }

    public long crashCount() {
        return crashes;
    }

    /** Ops that crashes threw away, over the disk's life. */
    public long lostOps() {
        return lostOps;
    }
}
