package io.replikv.sim.swarm;

import io.replikv.core.NodeId;
import io.replikv.core.util.Prng;
import io.replikv.sim.Cluster;
import io.replikv.sim.LinkSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Injects the faults of {@link SwarmOptions} tick by tick during the fault phase, and lifts them
 * all for the second phase. Whole-cluster crashes and the disk fault are scheduled at ticks drawn
 * from their own stream (so the other faults of a seed draw what they drew before those existed);
 * a crashed node whose disk refuses its restart is wiped and restarted empty where the mode allows
 * it ({@link ModeCluster#wipesCorruptDisks()}), else it stays down for good. Network faults are kept here as one desired state (a partition, a set
 * of one-way cuts, isolated nodes, the flapping node) and written to the network whole whenever it
 * changes, so that one fault ending never lifts another.
 */
final class Faults {
    /** Most one-way cuts in one partition of that shape. */
    static final int CUTS_MAX = 6;
    /** Chance that a client joins a side of a split (else it reaches every side, as clients of a real network often do). */
    static final double CLIENT_IN_SPLIT_CHANCE = 0.25;

    private enum Shape { SPLIT, ONE_WAY, ISOLATE }

    private final ModeCluster mode;
    private final Cluster cluster;
    private final SwarmOptions options;
    private final Prng prng;
    private final List<NodeId> faultable;
    private final NodeId flapping;
    private final TreeMap<NodeId, Long> restartAt = new TreeMap<>();
    private final TreeMap<NodeId, Long> resumeAt = new TreeMap<>();
    private final Prng diskAndWholePrng;
    private final TreeSet<Long> wholeCrashAt = new TreeSet<>();
    private long diskFaultFrom = -1;

    private List<Set<NodeId>> split = List.of();
    private final List<NodeId[]> cuts = new ArrayList<>();
    private final TreeSet<NodeId> isolated = new TreeSet<>();
    private long partitionEndsAt = -1;
    private boolean flappedDown;
    private long nextFlapAt;
    private long crashes;
    private long pauses;
    private long partitions;
    private long wholeCrashes;
    private long diskFaults;
    private long wipes;

    /**
     * Whole-cluster crashes and the disk fault happen within this part of the fault phase, so that
     * the cluster has run a while before and has time to recover under the other faults after.
     */
    static final double DISK_AND_WHOLE_FROM_FRACTION = 0.1;
    static final double DISK_AND_WHOLE_UNTIL_FRACTION = 0.8;

    Faults(ModeCluster mode, SwarmOptions options, long faultTicks, Prng prng, Prng diskAndWholePrng) {
        this.mode = mode;
        this.cluster = mode.cluster();
        this.options = options;
        this.prng = prng;
        List<NodeId> nodes = new ArrayList<>(cluster.servers());
        nodes.addAll(mode.extraNodes());
        this.faultable = List.copyOf(nodes);
        this.flapping = options.flapPeriodTicks() > 0 ? prng.pick(faultable) : null;
        this.nextFlapAt = options.flapPeriodTicks();
        if (options.slowDisk() != null) cluster.simulator().setDisk(prng.pick(cluster.servers()), options.slowDisk());
        this.diskAndWholePrng = diskAndWholePrng;
        long from = (long) (faultTicks * DISK_AND_WHOLE_FROM_FRACTION);
        long until = Math.max(from, (long) (faultTicks * DISK_AND_WHOLE_UNTIL_FRACTION));
        for (int i = 0; i < options.wholeCrashes(); i++) wholeCrashAt.add(diskAndWholePrng.between(from, until));
        if (options.diskFault()) diskFaultFrom = diskAndWholePrng.between(from, until);
    }

    NodeId flappingNode() {
        return flapping;
    }

    String counts() {
        return "crashes=" + crashes + " pauses=" + pauses + " partitions=" + partitions
                + (wholeCrashes + diskFaults == 0 ? "" : " whole-crashes=" + wholeCrashes + " disk-faults=" + diskFaults
                        + " wipes=" + wipes + " down-for-good=" + downForGood().size());
    }

    /** One tick's worth of faults: ends those that are due, then maybe starts new ones. */
    void step(long now) {
        for (NodeId id : due(restartAt, now)) restart(id);
        for (NodeId id : due(resumeAt, now)) cluster.resume(id);
        boolean networkChanged = false;
        if (partitionEndsAt >= 0 && now >= partitionEndsAt) {
            clearPartition();
            networkChanged = true;
        } else if (partitionEndsAt < 0 && prng.chance(options.partitionChancePerTick())) {
            startPartition(now);
            networkChanged = true;
        }
        if (flapping != null && now >= nextFlapAt) {
            flappedDown = !flappedDown;
            nextFlapAt = now + options.flapPeriodTicks();
            networkChanged = true;
        }
        if (networkChanged) applyNetwork();
        if (prng.chance(options.crashChancePerTick())) maybeCrash(now);
        if (prng.chance(options.pauseChancePerTick())) maybePause(now);
        if (!wholeCrashAt.isEmpty() && now >= wholeCrashAt.first() && mode.mayCrashEveryone()) {
            wholeCrashAt.pollFirst();
            crashEveryone(now);
        }
        if (diskFaultFrom >= 0 && now >= diskFaultFrom && maybeDiskFault(now)) diskFaultFrom = -1;
    }

    /** Restarts a crashed node from its disk; a corrupt disk is wiped first if the mode allows it, else the node stays down. */
    private void restart(NodeId id) {
        if (cluster.restartRefusal(id) != null && !mode.wipesCorruptDisks()) return; // down for good
        cluster.restart(id);
        if (cluster.restartRefusal(id) != null && mode.wipesCorruptDisks()) {
            cluster.wipeAndRestart(id);
            wipes++;
        }
    }

    /** Servers whose corrupt disks refused their restart and that stay down (raft). */
    List<NodeId> downForGood() {
        List<NodeId> out = new ArrayList<>();
        for (NodeId id : faultable) if (cluster.restartRefusal(id) != null) out.add(id);
        return out;
    }

    /**
     * Every node of the cluster (servers and extra nodes: a view service) crashes at this tick;
     * they restart after one drawn delay, each up to the seed's stagger later, from what their
     * disks made durable.
     */
    private void crashEveryone(long now) {
        long base = now + diskAndWholePrng.between(1, options.restartTicksMax());
        for (NodeId id : faultable) {
            if (cluster.restartRefusal(id) != null) continue;
            cluster.crash(id);
            resumeAt.remove(id);
            long stagger = options.wholeRestartStaggerTicksMax();
            restartAt.put(id, base + (stagger == 0 ? 0 : diskAndWholePrng.between(0, stagger)));
        }
        wholeCrashes++;
    }

    /**
     * One server whose disk the mode can lose now ({@link ModeCluster#mayLoseDisk}) and that holds at
     * least two records gets a synced record damaged — one with records after it, so that its
     * restart finds corruption rather than a torn tail — and crashes. False if no server qualifies
     * now (the fault is tried again next tick).
     */
    private boolean maybeDiskFault(long now) {
        if (!mode.wipesCorruptDisks()) {
            // a server that stays down for good must leave a majority up
            int downAfter = downForGood().size() + 1;
            if (2 * downAfter >= cluster.servers().size()) return true; // skipped for this seed
        }
        List<NodeId> candidates = new ArrayList<>();
        for (NodeId id : cluster.servers()) {
            if (cluster.alive(id) && cluster.disk(id).records() >= 2 && mode.mayLoseDisk(id)) candidates.add(id);
        }
        if (candidates.isEmpty()) return false;
        NodeId victim = diskAndWholePrng.pick(candidates);
        cluster.corrupt(victim, diskAndWholePrng.between(1, cluster.disk(victim).records() - 1));
        cluster.crash(victim);
        resumeAt.remove(victim);
        restartAt.put(victim, now + diskAndWholePrng.between(1, options.restartTicksMax()));
        diskFaults++;
        return true;
    }

    private static List<NodeId> due(TreeMap<NodeId, Long> at, long now) {
        List<NodeId> out = new ArrayList<>();
        at.entrySet().removeIf(e -> {
            if (e.getValue() > now) return false;
            out.add(e.getKey());
            return true;
        });
        return out;
    }

    private void maybeCrash(long now) {
        List<NodeId> candidates = new ArrayList<>();
        for (NodeId id : faultable) if (cluster.alive(id) && mode.mayCrash(id)) candidates.add(id);
        if (candidates.isEmpty()) return;
        NodeId victim = prng.pick(candidates);
        cluster.crash(victim);
        resumeAt.remove(victim);
        restartAt.put(victim, now + prng.between(1, options.restartTicksMax()));
        crashes++;
    }

    private void maybePause(long now) {
        List<NodeId> candidates = new ArrayList<>();
        for (NodeId id : faultable) if (cluster.alive(id) && !resumeAt.containsKey(id) && mode.mayPause(id)) candidates.add(id);
        if (candidates.isEmpty()) return;
        NodeId victim = prng.pick(candidates);
        cluster.pause(victim);
        resumeAt.put(victim, now + prng.between(1, options.pauseTicksMax()));
        pauses++;
    }

    private void startPartition(long now) {
        partitions++;
        partitionEndsAt = now + prng.between(1, options.partitionTicksMax());
        Shape shape = Shape.values()[prng.nextInt(Shape.values().length)];
        switch (shape) {
            case SPLIT -> split = drawSplit();
            case ONE_WAY -> drawCuts();
            case ISOLATE -> isolated.add(prng.pick(faultable));
        }
    }

    /** Every server and extra node on one of two or three sides; some clients join a side. */
    private List<Set<NodeId>> drawSplit() {
        int sides = 2 + prng.nextInt(2);
        List<Set<NodeId>> groups = new ArrayList<>();
        for (int i = 0; i < sides; i++) groups.add(new TreeSet<>());
        for (NodeId id : faultable) groups.get(prng.nextInt(sides)).add(id);
        for (NodeId id : cluster.clients()) {
            if (prng.chance(CLIENT_IN_SPLIT_CHANCE)) groups.get(prng.nextInt(sides)).add(id);
        }
        return List.copyOf(groups);
    }

    /** One-way cuts between random pairs of nodes, at least one end of each a server or extra node. */
    private void drawCuts() {
        List<NodeId> everyone = new ArrayList<>(faultable);
        everyone.addAll(cluster.clients());
        int count = 1 + prng.nextInt(CUTS_MAX);
        for (int i = 0; i < count; i++) {
            NodeId from = prng.pick(everyone);
            NodeId to = prng.pick(faultable);
            if (prng.chance(0.5)) {
                NodeId t = from;
                from = to;
                to = t;
            }
            if (!from.equals(to)) cuts.add(new NodeId[] {from, to});
        }
    }

    private void clearPartition() {
        split = List.of();
        cuts.clear();
        isolated.clear();
        partitionEndsAt = -1;
    }

    private void applyNetwork() {
        cluster.heal();
        if (!split.isEmpty()) cluster.network().partition(split);
        for (NodeId[] cut : cuts) cluster.cut(cut[0], cut[1]);
        for (NodeId id : isolated) cluster.isolate(id);
        if (flapping != null && flappedDown) cluster.isolate(flapping);
    }

    /**
     * Lifts every fault: the network heals and loses, duplicates nothing any more (delays and
     * reordering stay), crashed nodes restart, paused nodes resume.
     */
    void stopAll() {
        clearPartition();
        flappedDown = false;
        cluster.heal();
        LinkSettings link = options.link();
        cluster.network().setDefaults(new LinkSettings(0, link.delayTicksMin(), link.delayTicksMax(), 0));
        for (NodeId id : restartAt.keySet()) restart(id);
        restartAt.clear();
        wholeCrashAt.clear();
        diskFaultFrom = -1;
        for (NodeId id : resumeAt.keySet()) cluster.resume(id);
        resumeAt.clear();
    }
}
