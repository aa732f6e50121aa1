package io.replikv.sim.twophase;

import static io.replikv.sim.twophase.ReplicatedVsChecks.*;
import static io.replikv.sim.twophase.TwoPcHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.replicated.ReplicatedNode;
import io.replikv.sim.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Goal: mode 2pc with its group view service replicated over three members
 * ({@link ReplicatedNode} around {@code GroupViewCore}) has no single point of failure. The
 * view-service leader crashed in the middle of a view change: the next leader's copy holds the
 * change and completes it. A minority of view-service members cut off changes nothing. The leader
 * cut off together with a replica: the majority side elects a leader, drops that replica and goes
 * on; the cut-off replica serves no stale read. Every process crashed at once (replicas and all
 * view-service members) recovers from the replicas' journals, as with a single service. Under a
 * workload of appends and reads, each history is linearizable, replicas of the current view agree
 * after every tick, and the service's copies are identical at equal log indexes.
 */
class TwoPcReplicatedViewServiceTest {
    private static final int CLIENTS = 3;
    private static final int OPS = 40;

    private static Cluster startReplicated(long seed) {
        Cluster c = start(Vs.REPLICATED, seed, 3, CLIENTS);
        checkAfterEachTick(c);
        return c;
    }

    private static ReplicatedNode leader(Cluster c) {
        ReplicatedNode l = vsLeader(c);
        assertThat(l).isNotNull();
        assertThat(l.isLeader()).as("a view-service leader; %s", c.seedHint()).isTrue();
        return l;
    }

    private static void finish(Cluster c, ClosedLoop loop) {
        tickUntil(c, loop, "every client finishes", () -> loop.completed() == CLIENTS * OPS, 50_000);
        awaitView(c, c.servers(), 5_000);
        assertAgreement(c);
        checkLinearizable(c);
    }

    @Test
    void theLeaderCrashedDuringAViewChangeTheNextLeaderCompletesIt() {
        for (long seed = 1; seed <= 3; seed++) {
            Cluster c = startReplicated(seed);
            ClosedLoop loop = new ClosedLoop(c, OPS, appendsAndReads());
            tickUntil(c, loop, "some operations done", () -> loop.completed() >= 10, 5_000);
            NodeId n2 = c.server(1);
            c.crash(n2);
            tickUntil(c, loop, "a view change under way", () -> viewService(c).status().details().containsKey("change"), 2_000);
            NodeId old = leader(c).id();
            c.crash(old);
            tickUntil(c, loop, "the view without n2", () -> viewIs(c, List.of(c.server(0), c.server(2))), 5_000);
            assertThat(leader(c).id()).as(c.seedHint()).isNotEqualTo(old);
            c.restart(old);
            c.restart(n2);
            finish(c, loop);
        }
    }

    @Test
    void aMinorityOfViewServiceMembersCutOffChangesNothing() {
        Cluster c = startReplicated(11);
        ClosedLoop loop = new ClosedLoop(c, OPS, appendsAndReads());
        tickUntil(c, loop, "some operations done", () -> loop.completed() >= 10, 5_000);
        // a follower cut off: replicas pinging it move on to another member
        NodeId follower = VS_MEMBERS.stream().filter(m -> !m.equals(leader(c).id())).findFirst().orElseThrow();
        c.isolate(follower);
        c.crash(c.server(2));
        tickUntil(c, loop, "the view without n3", () -> viewIs(c, List.of(c.server(0), c.server(1))), 5_000);
        c.reconnect(follower);
        c.restart(c.server(2));
        tickUntil(c, loop, "n3 back", () -> viewIs(c, c.servers()), 5_000);
        // the leader cut off: the others elect a leader that carries on
        NodeId old = leader(c).id();
        c.isolate(old);
        c.crash(c.server(0));
        tickUntil(c, loop, "the view without n1", () -> viewIs(c, List.of(c.server(1), c.server(2))), 5_000);
        assertThat(leader(c).id()).as(c.seedHint()).isNotEqualTo(old);
        c.reconnect(old);
        c.restart(c.server(0));
        finish(c, loop);
    }

    @Test
    void theLeaderCutOffWithAReplicaTheMajoritySideGoesOn() {
        for (long seed = 21; seed <= 23; seed++) {
            Cluster c = startReplicated(seed);
            ClosedLoop loop = new ClosedLoop(c, OPS, appendsAndReads());
            tickUntil(c, loop, "some operations done", () -> loop.completed() >= 10, 5_000);
            NodeId old = leader(c).id();
            NodeId n1 = c.server(0);
            Set<NodeId> majority = new TreeSet<>(VS_MEMBERS);
            majority.remove(old);
            majority.add(c.server(1));
            majority.add(c.server(2));
            c.partition(Set.of(old, n1), majority); // clients reach both sides
            tickUntil(c, loop, "the view without n1", () -> viewIs(c, List.of(c.server(1), c.server(2))), 5_000);
            assertThat(leader(c).id()).as(c.seedHint()).isNotEqualTo(old);
            int before = loop.completed();
            tickUntil(c, loop, "clients go on through n2 and n3", () -> loop.completed() >= Math.min(before + 15, CLIENTS * OPS), 10_000);
            c.heal();
            finish(c, loop);
        }
    }

    @Test
    void everyProcessCrashedAtOnceRecoversFromTheJournals() {
        for (long seed = 31; seed <= 33; seed++) {
            Cluster c = startReplicated(seed);
            ClosedLoop loop = new ClosedLoop(c, OPS, appendsAndReads());
            tickUntil(c, loop, "some operations done", () -> loop.completed() >= 15, 5_000);
            long lastView = viewService(c).view().number();
            List<NodeId> all = new ArrayList<>(c.servers());
            all.addAll(VS_MEMBERS);
            for (NodeId n : all) c.crash(n);
            c.tick(50);
            // view-service members first, then the replicas, in a seed-chosen rotation
            int shift = (int) (seed % 3);
            for (int i = 0; i < VS_MEMBERS.size(); i++) c.restart(VS_MEMBERS.get((i + shift) % VS_MEMBERS.size()));
            for (int i = 0; i < c.servers().size(); i++) {
                c.tick(5);
                c.restart(c.servers().get((i + shift) % c.servers().size()));
            }
            tickUntil(c, loop, "the group resumes", () -> viewIs(c, c.servers()), 5_000);
            assertThat(viewService(c).view().number()).as(c.seedHint()).isGreaterThan(lastView);
            finish(c, loop);
        }
    }
}
