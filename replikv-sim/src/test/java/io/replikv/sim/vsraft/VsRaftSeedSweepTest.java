package io.replikv.sim.vsraft;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.util.Prng;
import io.replikv.sim.LinkSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded runs of mode pb over a replicated view service with faults on both: every link delays,
 * reorders, drops and duplicates; view-service members crash (up to two at once, so views freeze
 * at times), restart from their disks and get cut off; pb servers die one at a time once the view
 * is stable and come back empty. Each history must be linearizable, the members' committed views
 * must agree after every tick, and after healing the service must make progress. The seed is in
 * the test name and replays exactly. 8 seeds by default; {@code -Dvsraft.sweep.seeds=N} for more.
 */
class VsRaftSeedSweepTest {
    private static final long SECOND = VsRaftPbSim.SECOND;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, Long.getLong("vsraft.sweep.seeds", 8));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void pbSurvivesViewServiceFaults(long seed) {
        LinkSettings network = LinkSettings.delayed(1, 4).withDrop(0.02).withDuplicate(0.02);
        int backups = 1 + (int) (seed % 2);
        VsRaftPbSim p = new VsRaftPbSim(seed, 3, backups, 3, network);
        Prng faults = Prng.derive(seed, "faults");
        int servers = 3 + (int) (seed % 2);
        p.awaitLeader();
        for (int n = 1; n <= servers; n++) p.start(n);
        p.awaitStable("the first views settle", 10 * SECOND);
        Workload w = new Workload(p.c);
        List<NodeId> vsDown = new ArrayList<>();
        List<NodeId> serversDown = new ArrayList<>();
        NodeId cut = null;
        for (long t = 0; t < 30 * SECOND; t++) {
            w.tick();
            if (vsDown.size() < 2 && faults.chance(0.004)) {
                NodeId victim = p.viewServices.get(faults.nextInt(p.viewServices.size()));
                if (!vsDown.contains(victim)) {
                    p.c.crash(victim);
                    vsDown.add(victim);
                }
            } else if (!vsDown.isEmpty() && faults.chance(0.006)) {
                p.c.restart(vsDown.removeFirst());
            }
            if (cut == null && faults.chance(0.002)) {
                cut = p.viewServices.get(faults.nextInt(p.viewServices.size()));
                p.c.isolate(cut);
            } else if (cut != null && faults.chance(0.005)) {
                p.c.reconnect(cut);
                cut = null;
            }
            // one server down at a time, and only once the view is stable and full: killing the last
            // server that holds the state would stop the service for good, by design
            if (serversDown.isEmpty() && p.stable() && p.view().backups().size() == backups && faults.chance(0.01)) {
                NodeId victim = VsRaftPbSim.s(1 + faults.nextInt(servers));
                p.c.crash(victim);
                serversDown.add(victim);
            } else if (!serversDown.isEmpty() && faults.chance(0.01)) {
                p.start(Integer.parseInt(serversDown.removeFirst().name().substring(1)));
            }
        }
        for (NodeId m : vsDown) p.c.restart(m);
        for (NodeId s : serversDown) p.start(Integer.parseInt(s.name().substring(1)));
        p.c.heal();
        w.finish(60 * SECOND);
        p.awaitStable("the service settles after the faults", 30 * SECOND);
        p.put(0, "after", "faults");
        p.check(1, "after", "faults");
        assertThat(w.acknowledged()).as("progress under faults; %s", p.c.seedHint()).isGreaterThan(30);
        p.checkLinearizable();
    }
}
