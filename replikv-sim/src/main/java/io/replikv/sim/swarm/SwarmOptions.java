package io.replikv.sim.swarm;

import io.replikv.core.client.ClientConfig;
import io.replikv.core.util.Prng;
import io.replikv.sim.DiskSettings;
import io.replikv.sim.LinkSettings;
import java.util.Locale;

/**
 * The fault mix and workload of one seed, drawn from it (TigerBeetle VOPR's options_swarm): every
 * kind of fault is off for some seeds and on at a random strength for others, so that over many
 * seeds every combination shows up, from a quiet network to a storm.
 *
 * @param nodes              servers
 * @param clients            clients, each running one operation at a time
 * @param keys               size of the key space (k0..)
 * @param mix                the command weights
 * @param thinkTicksMax      a client waits up to this long between its operations
 * @param client             the clients' timing
 * @param link               every link's loss, delay range (reordering when it is wider than one tick) and duplication during the faults
 * @param partitionChancePerTick chance per tick that a partition (split, one-way cuts or an isolated node) starts when none is on
 * @param partitionTicksMax  a partition lasts between 1 and this many ticks
 * @param crashChancePerTick chance per tick that a node crashes (0 for modes that keep nothing on disk)
 * @param restartTicksMax    a crashed node restarts after between 1 and this many ticks
 * @param pauseChancePerTick chance per tick that a node is paused
 * @param pauseTicksMax      a pause lasts between 1 and this many ticks
 * @param flapPeriodTicks    if above 0, one node is cut off and back every this many ticks (a flapping link)
 * @param disk               every node's disk: sync delays, torn writes on crash
 * @param slowDisk           if not null, the disk of one server: much slower syncs
 * @param wholeCrashes       how many times every node of the cluster (servers and view service) crashes at one tick
 *                           (0 for modes that keep nothing on disk)
 * @param wholeRestartStaggerTicksMax after a whole-cluster crash the nodes restart after one drawn delay,
 *                           each up to this many ticks later (0: all together)
 * @param diskFault          once, one server's disk damages a synced record that has records after it, and
 *                           the server crashes: its restart is refused; pb and 2pc wipe and restart it empty,
 *                           a raft server stays down for good (only while that leaves a majority)
 * @param crashEveryRole     crashes may also hit the roles a mode otherwise protects (pb: the view service at
 *                           any time, and the primary of a stable view)
 */
public record SwarmOptions(int nodes, int clients, int keys, OpMix mix, long thinkTicksMax, ClientConfig client,
                           LinkSettings link, double partitionChancePerTick, long partitionTicksMax,
                           double crashChancePerTick, long restartTicksMax, double pauseChancePerTick,
                           long pauseTicksMax, long flapPeriodTicks, DiskSettings disk, DiskSettings slowDisk,
                           int wholeCrashes, long wholeRestartStaggerTicksMax, boolean diskFault, boolean crashEveryRole) {
    /** Most clients: enough concurrency for conflicts, few enough that the checker stays quick. */
    static final int CLIENTS_MAX = 6;
    /** Most keys: few keys mean many operations per key, where linearizability bugs show. */
    static final int KEYS_MAX = 5;
    /** Most think time between a client's operations, in ticks. */
    static final long THINK_TICKS_MAX = 20;
    /** Highest message loss rate drawn: a fifth lost still lets retries through. */
    static final double DROP_PROBABILITY_MAX = 0.2;
    /** Highest duplication rate drawn. */
    static final double DUPLICATE_PROBABILITY_MAX = 0.1;
    /** Longest one-way message delay drawn, in ticks: a few attempt timeouts of the fastest mode. */
    static final long DELAY_TICKS_MAX = 12;
    /** Partition chance per tick, at most: on average one every 100 ticks. */
    static final double PARTITION_CHANCE_MAX = 0.01;
    /** Longest partition, in ticks: several election timeouts and view changes. */
    static final long PARTITION_TICKS_MAX = 400;
    /** Crash chance per tick, at most: on average one every 200 ticks. */
    static final double CRASH_CHANCE_MAX = 0.005;
    /** Longest time a crashed node stays down during the faults, in ticks. */
    static final long RESTART_TICKS_MAX = 400;
    /** Pause chance per tick, at most. */
    static final double PAUSE_CHANCE_MAX = 0.003;
    /** Longest pause, in ticks: past every lease and election timeout, so a paused node wakes up deposed. */
    static final long PAUSE_TICKS_MAX = 200;
    /** Range of a flapping node's period, in ticks. */
    static final long FLAP_PERIOD_TICKS_MIN = 10;
    static final long FLAP_PERIOD_TICKS_MAX = 150;
    /** Longest sync delay of an ordinary disk, in ticks. */
    static final long SYNC_DELAY_TICKS_MAX = 8;
    /** Range of the slow disk's longest sync delay, in ticks. */
    static final long SLOW_SYNC_DELAY_TICKS_MIN = 10;
    static final long SLOW_SYNC_DELAY_TICKS_MAX = 60;
    /** Chance per seed of whole-cluster crashes (for modes that keep their state on disk). */
    static final double WHOLE_CRASH_SEED_CHANCE = 0.3;
    /** Most whole-cluster crashes in one seed: a second one finds the cluster mid-recovery. */
    static final int WHOLE_CRASHES_MAX = 2;
    /** Longest spread of the restarts after a whole-cluster crash, in ticks: past a dead interval of every mode. */
    static final long WHOLE_RESTART_STAGGER_TICKS_MAX = 150;
    /** Chance per seed of one disk fault (a corrupt record, found at the restart). */
    static final double DISK_FAULT_SEED_CHANCE = 0.25;
    /** Chance per seed that crashes may hit every role (pb's view service and primary). */
    static final double CRASH_EVERY_ROLE_SEED_CHANCE = 0.5;
    /** Backoff ceiling of the clients after a refusal, in ticks. */
    static final long CLIENT_BACKOFF_TICKS_MAX = 10;

    /**
     * Draws the options of {@code seed} for {@code mode}; {@code nodes} (0: draw from the mode's
     * counts) fixes the server count. Only {@code seed} and the arguments decide the result.
     */
    public static SwarmOptions draw(SimMode mode, long seed, int nodes) {
        Prng p = Prng.derive(seed, "swarm/options");
        int n = nodes > 0 ? nodes : p.pick(mode.nodeCounts());
        int clients = 1 + p.nextInt(CLIENTS_MAX);
        int keys = 1 + p.nextInt(KEYS_MAX);
        OpMix mix = drawMix(p);
        long think = p.chance(0.3) ? 0 : p.between(1, THINK_TICKS_MAX);
        long attemptBase = p.between(mode.clientAttemptTicks(), 2 * mode.clientAttemptTicks());
        LinkSettings link = drawLink(p);
        double partition = p.chance(0.3) ? 0 : p.nextDouble() * PARTITION_CHANCE_MAX;
        long partitionTicks = p.between(1, PARTITION_TICKS_MAX);
        double crash = !mode.survivesCrashes() || p.chance(0.3) ? 0 : p.nextDouble() * CRASH_CHANCE_MAX;
        long restartTicks = p.between(1, RESTART_TICKS_MAX);
        double pause = p.chance(0.5) ? 0 : p.nextDouble() * PAUSE_CHANCE_MAX;
        long pauseTicks = p.between(1, PAUSE_TICKS_MAX);
        long flap = p.chance(0.2) ? p.between(FLAP_PERIOD_TICKS_MIN, FLAP_PERIOD_TICKS_MAX) : 0;
        DiskSettings disk = (p.chance(0.5) ? DiskSettings.IMMEDIATE : DiskSettings.delayed(0, p.between(1, SYNC_DELAY_TICKS_MAX)))
                .withTearOnCrash(p.chance(0.5));
        DiskSettings slow = p.chance(0.3)
                ? DiskSettings.delayed(1, p.between(SLOW_SYNC_DELAY_TICKS_MIN, SLOW_SYNC_DELAY_TICKS_MAX))
                        .withTearOnCrash(disk.tearOnCrash())
                : null;
        // a client waits for a few round trips more than the mode needs on a fast network; operations
        // retry until they get a definite answer (no operation timeout): with a timeout shorter than
        // the faults, writes would end Unknown and the checker could prove little
        long roundTrip = roundTripTicksMax(link, disk, slow);
        ClientConfig client = new ClientConfig(attemptBase + 2 * roundTrip, CLIENT_BACKOFF_TICKS_MAX, 0);
        // drawn last, so that every option above is what it was before these faults existed
        boolean durable = mode.survivesCrashes();
        int whole = durable && p.chance(WHOLE_CRASH_SEED_CHANCE) ? 1 + p.nextInt(WHOLE_CRASHES_MAX) : 0;
        long stagger = p.chance(0.5) ? 0 : p.between(1, WHOLE_RESTART_STAGGER_TICKS_MAX);
        boolean diskFault = durable && p.chance(DISK_FAULT_SEED_CHANCE);
        boolean everyRole = durable && crash > 0 && p.chance(CRASH_EVERY_ROLE_SEED_CHANCE);
        return new SwarmOptions(n, clients, keys, mix, think, client, link, partition, partitionTicks, crash,
                restartTicks, pause, pauseTicks, flap, disk, slow, whole, whole == 0 ? 0 : stagger, diskFault, everyRole);
    }

    /**
     * The longest request and answer between two nodes when each side syncs before it sends, in
     * ticks: what a mode's timeouts must exceed on this network and these disks.
     */
    public long roundTripTicksMax() {
        return roundTripTicksMax(link, disk, slowDisk);
    }

    private static long roundTripTicksMax(LinkSettings link, DiskSettings disk, DiskSettings slowDisk) {
        long sync = Math.max(disk.syncDelayTicksMax(), slowDisk == null ? 0 : slowDisk.syncDelayTicksMax());
        return 2 * link.delayTicksMax() + 2 * sync;
    }

    private static OpMix drawMix(Prng p) {
        int get = p.nextInt(6);
        int put = p.nextInt(4);
        int append = p.nextInt(4);
        // PutHash values are all different, which makes the checker's search wide: keep it rare
        int putHash = p.chance(0.3) ? 1 : 0;
        int delete = p.nextInt(2);
        if (put + append + putHash + delete == 0) append = 1;
        return new OpMix(get, put, append, putHash, delete);
    }

    private static LinkSettings drawLink(Prng p) {
        double drop = p.chance(0.3) ? 0 : p.nextDouble() * DROP_PROBABILITY_MAX;
        double duplicate = p.chance(0.5) ? 0 : p.nextDouble() * DUPLICATE_PROBABILITY_MAX;
        long delayMin = p.between(0, 2);
        // a delay range of one value keeps messages of a link in order; a wider one reorders them
        long delayMax = p.chance(0.25) ? delayMin : p.between(delayMin, DELAY_TICKS_MAX);
        return new LinkSettings(drop, delayMin, Math.max(delayMax, 1), duplicate);
    }

    /** One line, for the verdict of a seed. */
    public String describe() {
        return String.format(Locale.ROOT, "nodes=%d clients=%d keys=%d mix=[%s] think<=%d attempt=%d link=[drop=%.3f delay=%d..%d dup=%.3f]"
                        + " partition=%.4f/tick(<=%d) crash=%.4f/tick(restart<=%d) pause=%.4f/tick(<=%d) flap=%d"
                        + " disk=[sync=%d..%d tear=%b] slowDisk=%s wholeCrashes=%d(stagger<=%d) diskFault=%b crashEveryRole=%b",
                nodes, clients, keys, mix, thinkTicksMax, client.attemptTicks(), link.dropProbability(),
                link.delayTicksMin(), link.delayTicksMax(), link.duplicateProbability(), partitionChancePerTick,
                partitionTicksMax, crashChancePerTick, restartTicksMax, pauseChancePerTick, pauseTicksMax,
                flapPeriodTicks, disk.syncDelayTicksMin(), disk.syncDelayTicksMax(), disk.tearOnCrash(),
                slowDisk == null ? "none" : slowDisk.syncDelayTicksMin() + ".." + slowDisk.syncDelayTicksMax(),
                wholeCrashes, wholeRestartStaggerTicksMax, diskFault, crashEveryRole);
    }
}
