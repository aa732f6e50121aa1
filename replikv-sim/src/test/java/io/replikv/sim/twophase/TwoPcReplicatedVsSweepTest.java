package io.replikv.sim.twophase;

import static io.replikv.sim.twophase.ReplicatedVsChecks.*;
import static io.replikv.sim.twophase.TwoPcHarness.*;

import io.replikv.core.NodeId;
import io.replikv.core.replicated.ReplicatedConfig;
import io.replikv.core.util.Prng;
import io.replikv.sim.Cluster;
import io.replikv.sim.LinkSettings;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Goal: seeded runs of mode 2pc over a replicated group view service (three members, or five for
 * every fourth seed; compacting every 30, 200 or 1000 entries by seed) with faults swarmed per seed
 * on both: every link drops, delays, reorders and duplicates at seed-chosen
 * rates; replicas crash (one at a time) and restart from their journals; view-service members
 * crash (up to a bare majority at once, so the service stops at times and its time stands still), restart
 * from their Raft logs, and now and then all crash together; a replica, a view-service member, or
 * the view-service leader together with a replica are cut off. Clients append to two keys and read
 * them. Safety: the history is linearizable, the replicas of the current view agree after every
 * tick, and the service's copies are identical at equal log indexes. Liveness: once the faults
 * stop, every client finishes and every replica is back in the view within a tick budget. The seed
 * is in the test name and replays exactly. 200 seeds by default; {@code -Dvs2pc.sweep.seeds=N}
 * for more ({@code -Dvs2pc.sweep.first=S} to start elsewhere, {@code -Dvs2pc.sweep.list=S1,S2} for
 * exactly those seeds).
 */
class TwoPcReplicatedVsSweepTest {
    private static final int CLIENTS = 4;
    private static final int OPS = 30;
    private static final long FAULT_TICKS = 3_000;
    /**
     * Compaction intervals swarmed per seed: 30 entries restarts the service's copies every few
     * dozen ticks (the failure detector barely gets to a dead time between restarts), 200 as in
     * the other suites, 1000 as in production.
     */
    private static final long[] COMPACTION_INTERVALS_ENTRIES = {30, 200, 1000};

    static LongStream seeds() {
        String list = System.getProperty("vs2pc.sweep.list");
        if (list != null) return java.util.Arrays.stream(list.split(",")).mapToLong(Long::parseLong);
        long first = Long.getLong("vs2pc.sweep.first", 1);
        return LongStream.range(first, first + Long.getLong("vs2pc.sweep.seeds", 200));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void twoPcSurvivesFaultsOfReplicasAndViewServiceMembers(long seed) {
        Prng faults = Prng.derive(seed, "faults");
        LinkSettings link = new LinkSettings(faults.nextInt(6) / 100.0, 1, 1 + faults.nextInt(4), faults.nextInt(6) / 100.0);
        int members = seed % 4 == 0 ? 5 : 3;
        ReplicatedConfig config = VS_REPLICATED.withCompactionIntervalEntries(COMPACTION_INTERVALS_ENTRIES[(int) (seed % 3)]);
        Cluster c = replicatedBuilder(seed, 3, CLIENTS, members, config).network(link).build();
        checkAfterEachTick(c);
        awaitView(c, c.servers(), 5_000);
        ClosedLoop loop = new ClosedLoop(c, OPS, appendsAndReads());
        Faults f = new Faults(c, faults, vsNodes(c));
        long nextFault = 0;
        for (long t = 0; t < FAULT_TICKS; t++) {
            loop.pump();
            if (t >= nextFault) {
                nextFault = t + 30 + faults.nextInt(150);
                f.inject();
            }
            c.tick();
        }
        f.healAll();
        c.network().setDefaults(LinkSettings.RELIABLE);
        tickUntil(c, loop, "every client finishes after the faults stop", () -> loop.completed() == CLIENTS * OPS, 50_000);
        awaitView(c, c.servers(), 5_000);
        assertAgreement(c);
        checkLinearizable(c);
        var leader = vsLeader(c);
        System.out.printf("vs2pc sweep seed %d: view %d, vs members %d, term %d, compaction every %d entries, leader compactions %d, link %s%n",
                seed, viewService(c).view().number(), members, leader.core().term(), config.compactionIntervalEntries(),
                leader.compactions(), link);
    }

    /** The faults of one run; at most one replica down at a time, so that some survivor always remains. */
    private static final class Faults {
        private final Cluster c;
        private final Prng prng;
        private final Set<NodeId> replicasDown = new TreeSet<>();
        private final Set<NodeId> vsDown = new TreeSet<>();
        private final List<NodeId> members;

        Faults(Cluster c, Prng prng, List<NodeId> members) {
            this.c = c;
            this.prng = prng;
            this.members = members;
        }

        void inject() {
            switch (prng.nextInt(9)) {
                case 0 -> crashReplica();
                case 1 -> restartReplicas();
                case 2 -> crashViewServiceMember();
                case 3 -> restartViewServiceMembers();
                case 4 -> cutOff(List.of(c.server(prng.nextInt(c.servers().size()))));
                case 5 -> cutOff(List.of(prng.pick(members)));
                case 6 -> {
                    var leader = vsLeader(c);
                    if (leader != null) cutOff(List.of(leader.id(), c.server(prng.nextInt(c.servers().size()))));
                }
                case 7 -> {
                    if (prng.chance(0.2)) crashEveryViewServiceMember();
                }
                default -> c.heal();
            }
        }

        private void crashReplica() {
            if (!replicasDown.isEmpty()) return;
            NodeId victim = c.server(prng.nextInt(c.servers().size()));
            c.heal();
            c.crash(victim);
            replicasDown.add(victim);
        }

        private void restartReplicas() {
            for (NodeId d : replicasDown) c.restart(d);
            replicasDown.clear();
        }

        private void crashViewServiceMember() {
            if (vsDown.size() > members.size() / 2) return; // a majority down at most: the service stops for a while
            NodeId victim = prng.pick(members);
            if (vsDown.add(victim)) c.crash(victim);
        }

        private void restartViewServiceMembers() {
            for (NodeId d : vsDown) c.restart(d);
            vsDown.clear();
        }

        private void crashEveryViewServiceMember() {
            for (NodeId m : members) if (vsDown.add(m)) c.crash(m);
        }

        /** Cuts {@code side} off from every other replica and view-service member (clients reach everyone). */
        private void cutOff(List<NodeId> side) {
            if (!replicasDown.isEmpty() && side.stream().anyMatch(c.servers()::contains)) return; // keep a survivor
            Set<NodeId> rest = new TreeSet<>(c.servers());
            rest.addAll(members);
            rest.removeAll(side);
            c.partition(Set.copyOf(side), rest);
        }

        void healAll() {
            c.heal();
            restartReplicas();
            restartViewServiceMembers();
        }
    }
}
