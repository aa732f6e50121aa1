package io.replikv.sim.vsraft;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.pb.PbConfig;
import io.replikv.core.util.Prng;
import io.replikv.sim.DiskSettings;
import io.replikv.sim.LinkSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded runs of mode pb over the replicated view service with the faults of {@link VsRaftSeedSweepTest} — every link delays,
 * reorders, drops and duplicates; view-service members crash, restart and get cut off; pb servers
 * die one at a time — and, at a seed-chosen moment, <b>every process at once</b>: all pb servers
 * and all view-service members crash, and come back one by one in a seed-chosen order. Disks are
 * slow and tear on a crash (what was not synced is lost, in part). The service must resume only
 * from data that holds every acknowledged write: every history linearizable, the members' views
 * agree and the copies of the service stay identical after every tick, and after healing it takes
 * writes again. 24 seeds by default; {@code -Dvsraft.crash.seeds=N} for more. The seed is in the
 * test name and replays exactly.
 */
class VsRaftWholeCrashSweepTest {
    private static final long SECOND = VsRaftPbSim.SECOND;
    private static final DiskSettings TORN_SLOW_DISK = DiskSettings.delayed(1, 8).withTearOnCrash(true);

    static LongStream seeds() {
        return LongStream.rangeClosed(1, Long.getLong("vsraft.crash.seeds", 24));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void pbResumesAfterEveryProcessCrashesAtOnce(long seed) {
        LinkSettings network = LinkSettings.delayed(1, 4).withDrop(0.02).withDuplicate(0.02);
        int backups = 1 + (int) (seed % 2);
        VsRaftPbSim p = new VsRaftPbSim(seed, 3, backups, 3, network, TORN_SLOW_DISK,
                PbConfig.DEFAULT.withSnapshotLogEntries(7), VsRaftPbSim.REPLICATED);
        Prng faults = Prng.derive(seed, "faults");
        int servers = 3 + (int) (seed % 2);
        p.awaitLeader();
        for (int n = 1; n <= servers; n++) p.start(n);
        p.awaitStable("the first views settle", 10 * SECOND);
        Workload w = new Workload(p.c);

        List<NodeId> everyone = new ArrayList<>(p.viewServices);
        for (int n = 1; n <= servers; n++) everyone.add(VsRaftPbSim.s(n));
        long crashAt = 2 * SECOND + faults.nextLong(6 * SECOND);
        TreeMap<Long, NodeId> restarts = new TreeMap<>();
        List<NodeId> order = new ArrayList<>(everyone);
        for (int i = order.size() - 1; i > 0; i--) order.set(i, order.set(faults.nextInt(i + 1), order.get(i)));
        long at = crashAt + 1 + faults.nextLong(SECOND);
        for (NodeId n : order) {
            restarts.put(at, n);
            at += 1 + faults.nextLong(SECOND);
        }
        long end = at + 5 * SECOND;

        List<NodeId> down = new ArrayList<>();
        NodeId cut = null;
        for (long t = 0; t < end; t++) {
            w.tick();
            if (t == crashAt) {
                for (NodeId n : everyone) p.c.crash(n);
                down.clear();
            }
            NodeId back = restarts.get(t);
            if (back != null) restart(p, back);
            if (t >= crashAt && t <= at) continue; // no other faults while everything comes back
            if (cut == null && faults.chance(0.002)) {
                cut = p.viewServices.get(faults.nextInt(p.viewServices.size()));
                p.c.isolate(cut);
            } else if (cut != null && faults.chance(0.005)) {
                p.c.reconnect(cut);
                cut = null;
            }
            // one process down at a time, a view-service member or (once the view is full and stable) a server
            if (down.isEmpty() && faults.chance(0.004)) {
                NodeId victim = p.viewServices.get(faults.nextInt(p.viewServices.size()));
                p.c.crash(victim);
                down.add(victim);
            } else if (down.isEmpty() && p.stable() && p.view().backups().size() == backups && faults.chance(0.01)) {
                NodeId victim = VsRaftPbSim.s(1 + faults.nextInt(servers));
                p.c.crash(victim);
                down.add(victim);
            } else if (!down.isEmpty() && faults.chance(0.01)) {
                restart(p, down.removeFirst());
            }
        }
        for (NodeId n : down) restart(p, n);
        p.c.heal();
        w.finish(60 * SECOND);
        p.awaitStable("the service settles after the crash", 30 * SECOND);
        p.put(0, "after", "crash");
        p.check(1, "after", "crash");
        assertThat(w.acknowledged()).as("progress; %s", p.c.seedHint()).isGreaterThan(10);
        p.checkLinearizable();
    }

    private static void restart(VsRaftPbSim p, NodeId n) {
        if (n.name().startsWith("s")) {
            p.start(Integer.parseInt(n.name().substring(1)));
        } else {
            p.c.restart(n);
        }
    }
}
