package io.replikv.sim;

import io.replikv.core.NodeId;
import io.replikv.core.storage.LogStore;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.SnapshotStore;
import io.replikv.core.storage.StableStore;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.Prng;
import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * A simulated disk with a page cache. {@link #apply} writes to the volatile view at once (reads see
 * it, as a process sees its own writes) and queues the op as pending; {@link #sync} makes the
 * pending ops durable; {@link #crash} forgets them, so the volatile view falls back to the durable
 * state, which is all a restarted node recovers. With tearing on, a crash first makes a random
 * prefix of the pending ops durable (some writes reached the platter, later ones did not) and
 * leaves the next one half written.
 *
 * <p>The platter holds one <em>record</em> per durable op, numbered from 1, each with a checksum
 * (modelled as whether it still matches: the sim never needs the bytes). A record half written by a
 * torn crash, or one that {@link #corrupt} damaged, fails its checksum. {@link #recover} — a
 * restart — judges them as the production WAL replay does (replikv-server {@code WalReplay}): a
 * failing <em>last</em> record is a torn tail and is cut (even if it had been synced: a flipped bit
 * there looks exactly like a torn write), a failing record with any record after it is corruption,
 * and the restart is refused. {@link #wipe} is the operator's remedy: an empty disk.
 */
public final class SimDisk implements Storage {
    /** What a restart found on the platter. */
    public sealed interface Recovery {
        /** Every record passed its checksum. */
        record Clean() implements Recovery {}

        /** The last record, number {@code record}, failed its checksum and was cut off: a torn tail. */
        record TailCut(long record) implements Recovery {}

        /** Record {@code record} of {@code records} failed its checksum and is not the last: corruption. */
        record Corrupt(long record, long records) implements Recovery {
            /** What the simulator says when it refuses the restart. */
            public String message(NodeId node) {
                return "corrupt record " + record + " of " + records + " in node " + node + "'s disk: its checksum"
                        + " does not match and records follow it (a torn write is only ever the last record);"
                        + " restart refused, the node stays down rather than serve data it cannot vouch for"
                        + " (remedy: wipe the disk and restart it empty, where the mode allows)";
            }
        }
    }

    /**
     * One op on the platter; {@code intact} is false once its checksum no longer matches (torn or
     * corrupted); {@code inState} is false for a torn record, whose op never became durable.
     */
    private record Record(PersistOp op, boolean intact, boolean inState) {}

    private static final Recovery CLEAN = new Recovery.Clean();

    private final Prng prng;
    private boolean tearOnCrash;
    private MemoryStorage durable = new MemoryStorage();
    private MemoryStorage cache = new MemoryStorage();
    private final ArrayDeque<PersistOp> pending = new ArrayDeque<>();
    // every record on the platter, in write order; durable holds the state they replay to (intact or not)
    private final ArrayList<Record> records = new ArrayList<>();
    private long appliedOps;
    private long durableOps;
    private long syncs;
    private long crashes;
    private long lostOps;
    private long tornRecords;
    private long corruptions;
    private long tailsCut;
    private long wipes;

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
        while (durableOps < targetOps) makeDurable(pending.removeFirst());
        syncs++;
    }

    private void makeDurable(PersistOp op) {
        durable.apply(op);
        records.add(new Record(op, true, true));
        durableOps++;
    }

    /**
     * Loses what was not synced (or, tearing, all but a random prefix of it, and the op after the
     * prefix is left half written: a record that fails its checksum). Returns how many ops were lost.
     */
    public int crash() {
        int keep = tearOnCrash && !pending.isEmpty() ? prng.nextInt(pending.size() + 1) : 0;
        for (int i = 0; i < keep; i++) makeDurable(pending.removeFirst());
        if (tearOnCrash && !pending.isEmpty()) {
            records.add(new Record(pending.peekFirst(), false, false));
            tornRecords++;
        }
        int lost = pending.size();
        pending.clear();
        appliedOps = durableOps;
        lostOps += lost;
        crashes++;
        cache = durable.copy();
        return lost;
    }

    /**
     * Damages record {@code record} (1-based, in write order) on the platter so that its checksum
     * no longer matches. Returns false, changing nothing, if there is no such record: an op still
     * pending is only in the page cache, and a crash loses it anyway (its corruption is irrelevant).
     * The running node does not notice (it reads its own state); the next {@link #recover} does.
     */
    public boolean corrupt(long record) {
        if (record < 1 || record > records.size()) return false;
        int i = (int) (record - 1);
        if (records.get(i).intact()) corruptions++;
        records.set(i, new Record(records.get(i).op(), false, records.get(i).inState()));
        return true;
    }

    /**
     * Reads the platter as a restart does, before the node is built: a failing last record is cut
     * (and the durable state rebuilt without it), a failing record before the last refuses the
     * restart and changes nothing. Only for a crashed disk (nothing pending).
     */
    public Recovery recover() {
        Invariants.check(pending.isEmpty(), "recover with %d ops pending: crash the disk first", pending.size());
        int last = records.size() - 1;
        for (int i = 0; i < last; i++) {
            if (!records.get(i).intact()) return new Recovery.Corrupt(i + 1, records.size());
        }
        if (last < 0 || records.get(last).intact()) return CLEAN;
        cutLast();
        return new Recovery.TailCut(last + 1);
    }

    private void cutLast() {
        Record cut = records.removeLast();
        tailsCut++;
        if (!cut.inState()) return; // a torn write: the durable state never had it
        // a synced record that failed its checksum: the state is what the records before it replay to
        MemoryStorage rebuilt = new MemoryStorage();
        long ops = 0;
        for (Record r : records) {
            rebuilt.apply(r.op());
            ops++;
        }
        durable = rebuilt;
        durableOps = ops;
        appliedOps = ops;
        cache = durable.copy();
    }

    /** The operator's remedy for a corrupt disk: everything on it is gone, as if the node were new. Only for a crashed disk. */
    public void wipe() {
        Invariants.check(pending.isEmpty(), "wipe with %d ops pending: crash the disk first", pending.size());
        records.clear();
        durable = new MemoryStorage();
        cache = new MemoryStorage();
        durableOps = 0;
        appliedOps = 0;
        wipes++;
    }

    /** A copy of the durable state: what a restart would recover right now (before judging checksums). */
    public MemoryStorage durableCopy() {
        return durable.copy();
    }

    /** Records on the platter: the durable ops, plus a torn one a crash left at the end until a restart cuts it. */
    public long records() {
        return records.size();
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

    /** Records half written by torn crashes. */
    public long tornRecords() {
        return tornRecords;
    }

    /** Intact records {@link #corrupt} damaged. */
    public long corruptions() {
        return corruptions;
    }

    /** Failing last records restarts cut off. */
    public long tailsCut() {
        return tailsCut;
    }

    public long wipes() {
        return wipes;
    }
}
