package io.replikv.sim.twophase;

import static io.replikv.sim.twophase.TwoPcHarness.VS;
import static io.replikv.sim.twophase.TwoPcHarness.replica;
import static io.replikv.sim.twophase.TwoPcHarness.viewService;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.client.Outcome;
import io.replikv.core.twophase.GroupView;
import io.replikv.core.util.Prng;
import io.replikv.sim.Cluster;
import io.replikv.sim.Commands;
import io.replikv.sim.DiskSettings;
import io.replikv.sim.check.CheckResult;
import io.replikv.sim.check.LinearizabilityChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mode 2pc recovers from a crash of every process that comes after the group view service made
 * view 1 durable but before any replica's install of it was (docs/2pc.md, "Whole-group crash": a
 * fresh start): no replica can claim a view, yet view 1 served nothing, so once every member of
 * view 1 is back with an empty journal the service starts the group afresh with view 2, and the
 * group serves linearizably again. A member that does hold a journal of view 1 always wins: the
 * group resumes from it, never afresh, even when the others come back wiped. Seeds replay exactly.
 */
class TwoPcFreshStartTest {
    /** Syncs take 8–12 ticks: the replicas install view 1 (and acknowledge it) long before it is durable. */
    static final DiskSettings SLOW_DISK = DiskSettings.delayed(8, 12);
    static final long OPERATION_TICKS_MAX = 3_000;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 10);
    }

    /**
     * A fresh 3-replica group with a slow disk, ticked to the moment the service's view 1 is
     * durable and every replica installed it in memory while none has anything durable; a write
     * is in flight.
     */
    private static Cluster crashableBeforeTheFirstViewIsJournaled(long seed) {
        Cluster c = TwoPcHarness.builder(seed, 3, 3).disk(SLOW_DISK).build();
        c.invoke(0, Commands.put("early", "maybe"));
        c.tickUntil("view 1 durable at the service, installed by every replica, journaled by none", () -> {
            if (viewService(c).view().number() != 1 || c.disk(VS).pendingOps() != 0) return false;
            return c.servers().stream().allMatch(n -> replica(c, n).member() && c.disk(n).durableOps() == 0);
        }, 300);
        return c;
    }

    private static List<NodeId> allNodes(Cluster c) {
        List<NodeId> all = new ArrayList<>(List.of(VS));
        all.addAll(c.servers());
        return all;
    }

    /**
     * Every node crashes at that moment and comes back in a seed-chosen order at seed-chosen
     * times: the group starts afresh as view 2 of all three (no recovery from journals, which hold
     * nothing), then serves writes and reads, the members agree and the history is linearizable.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aGroupCrashedBeforeAnyReplicaJournaledViewOneStartsAfresh(long seed) {
        Cluster c = crashableBeforeTheFirstViewIsJournaled(seed);
        for (NodeId n : allNodes(c)) c.crash(n);
        Prng choices = Prng.derive(seed, "fresh-start");
        List<NodeId> order = new ArrayList<>(allNodes(c));
        for (int i = order.size() - 1; i > 0; i--) order.set(i, order.set(choices.nextInt(i + 1), order.get(i)));
        TreeMap<Long, NodeId> restarts = new TreeMap<>();
        long at = c.now();
        for (NodeId n : order) {
            at += 1 + choices.nextLong(30);
            restarts.put(at, n);
        }
        while (!restarts.isEmpty()) {
            var next = restarts.pollFirstEntry();
            c.tick(next.getKey() - c.now());
            c.restart(next.getValue());
        }
        TwoPcHarness.awaitView(c, c.servers(), 500);
        assertThat(viewService(c).view()).as(c.seedHint()).isEqualTo(new GroupView(2, c.servers()));
        assertThat(viewService(c).status().details()).as(c.seedHint())
                .containsEntry("freshStarts", "1").containsEntry("viewsRecovered", "0");
        assertThat(viewService(c).waitingFor()).isNull();

        Cluster.Invocation[] writes = new Cluster.Invocation[2];
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 2; i++) writes[i] = c.invoke(1 + i, Commands.append("k", "(" + i + "." + round + ")"));
            for (Cluster.Invocation w : writes) assertThat(c.await(w, OPERATION_TICKS_MAX)).isInstanceOf(Outcome.Ok.class);
        }
        String value = c.get(1, "k", OPERATION_TICKS_MAX);
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 2; i++) assertThat(value).as(c.seedHint()).contains("(" + i + "." + round + ")");
        }
        c.tick(50);
        TwoPcHarness.assertAgreement(c);
        checkLinearizable(c);
    }

    /**
     * While one member of view 1 is still down the service waits — it may hold view 1's writes —
     * and says so; when the last member comes back empty too, the group starts afresh.
     */
    @Test
    void theServiceWaitsForEveryMemberAndSaysWhatItWaitsFor() {
        Cluster c = crashableBeforeTheFirstViewIsJournaled(31);
        for (NodeId n : allNodes(c)) c.crash(n);
        c.restart(VS).restart(NodeId.of("n1")).restart(NodeId.of("n2"));
        c.tick(300);
        assertThat(viewService(c).view().number()).isEqualTo(1);
        assertThat(viewService(c).waitingFor()).isEqualTo("n3 (members of view 1) to return with a journal of view 1,"
                + " or n3 with empty journals like n1 and n2 to start the group afresh");
        assertThat(replica(c, NodeId.of("n1")).member()).isFalse();

        c.restart(NodeId.of("n3"));
        TwoPcHarness.awaitView(c, c.servers(), 500);
        assertThat(viewService(c).view().number()).isEqualTo(2);
        c.put(1, "after", "fresh", OPERATION_TICKS_MAX);
        assertThat(c.get(2, "after", OPERATION_TICKS_MAX)).isEqualTo("fresh");
        checkLinearizable(c);
    }

    /**
     * View 1 committed a write, journaled by every member. Everything crashes; n2 and n3 come
     * back wiped (empty journals), n1 stays down: the group waits, never starting afresh. When n1
     * returns with its journal of view 1, the group resumes from it, n2 and n3 take its state,
     * and the write is there.
     */
    @Test
    void aMemberWithAJournalOfViewOneWinsOverWipedMembers() {
        Cluster c = TwoPcHarness.start(32, 3, 2);
        c.put(0, "a", "1", OPERATION_TICKS_MAX);
        assertThat(viewService(c).view().number()).isEqualTo(1);
        for (NodeId n : allNodes(c)) c.crash(n);
        c.restart(VS).wipeAndRestart(NodeId.of("n2")).wipeAndRestart(NodeId.of("n3"));
        c.tick(300);
        assertThat(viewService(c).view().number()).isEqualTo(1);
        assertThat(viewService(c).status().details()).containsEntry("freshStarts", "0");
        assertThat(viewService(c).waitingFor()).startsWith("n1 (members of view 1) to return with a journal of view 1");

        c.restart(NodeId.of("n1"));
        TwoPcHarness.awaitView(c, c.servers(), 500);
        assertThat(viewService(c).status().details()).containsEntry("freshStarts", "0").containsEntry("viewsRecovered", "1");
        assertThat(c.get(1, "a", OPERATION_TICKS_MAX)).isEqualTo("1");
        TwoPcHarness.assertAgreement(c);
        checkLinearizable(c);
    }

    private static void checkLinearizable(Cluster c) {
        CheckResult result = LinearizabilityChecker.check(c.history());
        assertThat(result.verdict()).as("%s%s", result.report(), c.seedHint()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
    }
}
