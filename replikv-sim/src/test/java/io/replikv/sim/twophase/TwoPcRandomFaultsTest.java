package io.replikv.sim.twophase;

import static io.replikv.sim.twophase.TwoPcHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.client.Outcome;
import io.replikv.core.util.Prng;
import io.replikv.sim.Cluster;
import io.replikv.sim.LinkSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Goal: seeded whole-cluster runs with faults swarmed per seed — message loss, delay, reordering
 * and duplication, replica crashes and restarts, a replica partitioned away — while clients
 * append to two keys through any replica. Safety: every acknowledged append is present exactly
 * once and in its client's order, and the replicas of the final view have equal digests. Then
 * the faults stop, and progress is required: every client finishes within a tick budget and
 * every replica is back in the view. A failure names the seed (replay with the same seed).
 * Each runs with the single group view service and with the replicated one (three members).
 */
class TwoPcRandomFaultsTest {
    private static final int CLIENTS = 4;
    private static final int APPENDS = 20;
    private static final long FAULT_TICKS = 3_000;

    @ParameterizedTest
    @EnumSource(Vs.class)
    void appendsSurviveRandomFaults(Vs vs) {
        long viewChanges = 0;
        for (long seed = 1; seed <= 8; seed++) viewChanges += runOne(vs, seed);
        // the faults really forced replicas out and back in (each seed forms its first view: 8)
        assertThat(viewChanges).isGreaterThan(8 * 4);
    }

    private static long runOne(Vs vs, long seed) {
        Prng faults = Prng.derive(seed, "faults");
        LinkSettings link = new LinkSettings(faults.nextInt(6) / 100.0, 1, 1 + faults.nextInt(4), faults.nextInt(6) / 100.0);
        Cluster c = builder(vs, seed, 3, CLIENTS).network(link).build();
        awaitView(c, c.servers(), 2_000);
        ClosedLoop loop = new ClosedLoop(c, APPENDS, ci -> i -> appendElement("k" + (ci % 2), ci, i));
        Set<NodeId> down = new TreeSet<>();
        long nextFault = 0;
        for (long t = 0; t < FAULT_TICKS; t++) {
            loop.pump();
            if (t >= nextFault) {
                nextFault = t + 50 + faults.nextInt(150);
                injectFault(c, faults, down);
            }
            c.tick();
        }
        c.heal();
        c.network().setDefaults(LinkSettings.RELIABLE);
        for (NodeId d : down) c.restart(d);
        c.tickUntil("every client finishes after the faults stop", loop::pump, 50_000);
        awaitView(c, c.servers(), 5_000);
        for (int key = 0; key < 2; key++) {
            String value = c.get(0, "k" + key, 2_000);
            List<Integer> writers = new ArrayList<>();
            for (int ci = key; ci < CLIENTS; ci += 2) writers.add(ci);
            for (int ci : writers) checkOneClient(c, value, ci);
        }
        loop.outcomes().forEach((ci, list) -> c.check("client " + ci + " outcomes", () ->
                assertThat(list).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Ok.class))));
        assertAgreement(c);
        // views installed: the view number (the service's viewChanges counter is soft state, and a
        // replicated service restarts its copies at every compaction)
        return viewService(c).view().number();
    }

    /** One fault at a time, at most one replica down or cut off, so a view can always form. */
    private static void injectFault(Cluster c, Prng faults, Set<NodeId> down) {
        NodeId victim = c.server(faults.nextInt(c.servers().size()));
        switch (faults.nextInt(4)) {
            case 0 -> {
                if (down.isEmpty()) {
                    c.heal();
                    c.crash(victim);
                    down.add(victim);
                }
            }
            case 1 -> {
                for (NodeId d : down) c.restart(d);
                down.clear();
            }
            case 2 -> {
                if (down.isEmpty()) {
                    Set<NodeId> rest = new HashSet<>(c.servers());
                    rest.remove(victim);
                    rest.addAll(vsNodes(c));
                    c.partition(Set.of(victim), Set.copyOf(rest));
                }
            }
            default -> c.heal();
        }
    }

    private static void checkOneClient(Cluster c, String value, int ci) {
        c.check("client " + ci + "'s appends", () -> {
            int last = -1;
            for (int i = 0; i < APPENDS; i++) {
                String element = element(ci, i);
                int at = value.indexOf(element);
                assertThat(at).as("%s present", element).isGreaterThanOrEqualTo(0);
                assertThat(value.indexOf(element, at + 1)).as("%s appended twice", element).isEqualTo(-1);
                assertThat(at).as("%s in order", element).isGreaterThan(last);
                last = at;
            }
        });
    }
}
