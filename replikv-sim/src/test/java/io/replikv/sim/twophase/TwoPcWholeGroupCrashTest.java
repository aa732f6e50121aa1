package io.replikv.sim.twophase;

import static io.replikv.sim.twophase.TwoPcHarness.VS;
import static io.replikv.sim.twophase.TwoPcHarness.replica;
import static io.replikv.sim.twophase.TwoPcHarness.viewService;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.client.Outcome;
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
 * Mode 2pc survives every process being killed at once (docs/2pc.md, "Whole-group crash"): each
 * replica replays its journal, and the group view service settles the restarted members of its
 * last view whose journals qualify as survivors of the next view change. The disks lose what was
 * not synced (torn: keep a random prefix of it) and sync slowly. Every acknowledged write must be
 * readable and every history linearizable. Seeds replay exactly.
 */
class TwoPcWholeGroupCrashTest {
    static final DiskSettings TORN_SLOW_DISK = DiskSettings.delayed(1, 6).withTearOnCrash(true);
    static final long OPERATION_TICKS_MAX = 3_000;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 12);
    }

    private static Cluster cluster(long seed) {
        Cluster c = TwoPcHarness.builder(seed, 3, 4).disk(TORN_SLOW_DISK).build();
        TwoPcHarness.awaitView(c, c.servers(), 500);
        return c;
    }

    /**
     * Three clients append while every node (the group view service too) crashes at one tick; the
     * nodes come back one by one in a seed-chosen order and at seed-chosen times (in some seeds one
     * replica only after the group resumed without it). Afterwards every acknowledged append is
     * there exactly once and in order, the history is linearizable, and the members agree.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyAcknowledgedWriteSurvivesCrashingEveryNodeAtOnce(long seed) {
        Cluster c = cluster(seed);
        Prng choices = Prng.derive(seed, "whole-crash");
        List<NodeId> nodes = new ArrayList<>(List.of(VS));
        nodes.addAll(c.servers());
        long crashAt = 100 + choices.nextLong(200);
        List<NodeId> order = new ArrayList<>(nodes);
        for (int i = order.size() - 1; i > 0; i--) order.set(i, order.set(choices.nextInt(i + 1), order.get(i)));
        TreeMap<Long, NodeId> restarts = new TreeMap<>();
        long at = crashAt + 1 + choices.nextLong(30);
        for (NodeId n : order) {
            // a late one comes back after the group resumed without it (the wait is one dead interval)
            boolean late = seed % 3 == 0 && n.equals(order.getLast());
            at += 1 + choices.nextLong(30) + (late ? 200 : 0);
            restarts.put(at, n);
        }

        List<List<List<Outcome>>> outcomes = List.of(perClient(), perClient());
        int[] next = new int[3 * 2];
        Cluster.Invocation[] inFlight = new Cluster.Invocation[3];
        int[] key = new int[3];
        long end = at + 300;
        for (long t = 0; t < end; t++) {
            for (int i = 0; i < 3; i++) {
                if (inFlight[i] != null && c.done(inFlight[i])) {
                    outcomes.get(key[i]).get(i).add(c.outcome(inFlight[i]));
                    inFlight[i] = null;
                }
                if (inFlight[i] == null && t < end - 100) {
                    key[i] = 1 - key[i];
                    inFlight[i] = c.invoke(i, Commands.append("k" + key[i], "x " + i + " " + next[2 * i + key[i]]++ + " y"));
                }
            }
            if (t == crashAt) {
                assertThat(acknowledged(outcomes)).as("writes before the crash; %s", c.seedHint()).isPositive();
                for (NodeId n : nodes) c.crash(n);
            }
            NodeId back = restarts.get(t);
            if (back != null) c.restart(back);
            c.tick();
        }
        for (int i = 0; i < 3; i++) {
            if (inFlight[i] == null) continue;
            Cluster.Invocation inv = inFlight[i];
            outcomes.get(key[i]).get(i).add(c.await(inv, OPERATION_TICKS_MAX));
        }
        TwoPcHarness.awaitView(c, c.servers(), 1_000);
        for (int k = 0; k < 2; k++) {
            String value = c.get(3, "k" + k, OPERATION_TICKS_MAX);
            checkAppends(value, outcomes.get(k), c.seedHint());
        }
        assertThat(viewService(c).status().details().get("viewsRecovered")).as("resumed from journals; %s", c.seedHint())
                .isNotEqualTo("0");
        TwoPcHarness.assertAgreement(c);
        c.put(3, "after", "crash", OPERATION_TICKS_MAX);
        assertThat(c.get(3, "after", OPERATION_TICKS_MAX)).isEqualTo("crash");
        checkLinearizable(c);
    }

    /**
     * n3 dies and the group goes on as view 2 = {n1, n2} with more writes. Everything crashes and
     * only the view service and n3 come back: n3's journal is of view 1, and view 2 committed
     * writes without it, so the group must not resume with it; the service says whom it waits
     * for. When n1 returns, the group resumes (after waiting a dead interval for n2) from n1's
     * journal, with n3 as a joiner that takes n1's state.
     */
    @Test
    void aReplicaOutsideTheLastViewDoesNotResumeTheGroup() {
        Cluster c = cluster(21);
        c.put(0, "a", "1", OPERATION_TICKS_MAX);
        c.crash(NodeId.of("n3"));
        TwoPcHarness.awaitView(c, List.of(NodeId.of("n1"), NodeId.of("n2")), 500);
        c.put(0, "a", "2", OPERATION_TICKS_MAX);
        c.put(1, "b", "x", OPERATION_TICKS_MAX);
        long lastView = viewService(c).view().number();

        c.crash(VS).crash(NodeId.of("n1")).crash(NodeId.of("n2"));
        c.restart(VS).restart(NodeId.of("n3"));
        Cluster.Invocation read = c.invoke(2, Commands.get("a"));
        Cluster.Invocation write = c.invoke(3, Commands.put("c", "no"));
        c.tick(400);
        assertThat(viewService(c).view().number()).isEqualTo(lastView);
        assertThat(viewService(c).waitingFor())
                .isEqualTo("n1 or n2 (members of view " + lastView + ") to return with their journals");
        assertThat(replica(c, NodeId.of("n3")).member()).isFalse();
        assertThat(c.done(read) && c.outcome(read) instanceof Outcome.Ok).as("a read served from view 1's journal").isFalse();
        assertThat(c.done(write) && c.outcome(write) instanceof Outcome.Ok).as("a write served").isFalse();

        c.restart(NodeId.of("n1"));
        TwoPcHarness.awaitView(c, List.of(NodeId.of("n1"), NodeId.of("n3")), 500);
        c.await(read, OPERATION_TICKS_MAX);
        c.await(write, OPERATION_TICKS_MAX);
        assertThat(c.get(0, "a", OPERATION_TICKS_MAX)).isEqualTo("2");
        assertThat(c.get(0, "b", OPERATION_TICKS_MAX)).isEqualTo("x");
        assertThat(c.get(0, "c", OPERATION_TICKS_MAX)).isEqualTo("no");
        TwoPcHarness.assertAgreement(c);
        checkLinearizable(c);
    }

    /**
     * A write is committed at its coordinator but its Commit never reaches the others, which hold
     * it prepared (in doubt) in their journals; then everything crashes. When all return, the
     * settlement finds the coordinator's commit and every replica applies the write.
     */
    @Test
    void aWriteInDoubtEverywhereButItsCoordinatorIsCommittedWhenAllReturn() {
        Cluster c = cluster(22);
        NodeId coordinator = inDoubtWrite(c);
        for (NodeId n : allNodes(c)) c.crash(n);
        for (NodeId n : allNodes(c)) c.restart(n);
        TwoPcHarness.awaitView(c, c.servers(), 500);
        assertThat(c.get(1, "doubt", OPERATION_TICKS_MAX)).as("committed at %s", coordinator).isEqualTo("yes");
        TwoPcHarness.assertAgreement(c);
        checkLinearizable(c);
    }

    /**
     * The same write in doubt, but its coordinator stays down: the others settle it as aborted
     * (nobody back committed it; it was never acknowledged, since they never applied it). When
     * the coordinator returns it takes their state, and the write is gone everywhere.
     */
    @Test
    void aWriteInDoubtIsAbortedWhenOnlyTheOthersReturn() {
        Cluster c = cluster(23);
        NodeId coordinator = inDoubtWrite(c);
        for (NodeId n : allNodes(c)) c.crash(n);
        List<NodeId> others = c.servers().stream().filter(n -> !n.equals(coordinator)).toList();
        c.restart(VS);
        for (NodeId n : others) c.restart(n);
        TwoPcHarness.awaitView(c, others, 500);
        assertThat(c.get(1, "doubt", OPERATION_TICKS_MAX)).isEqualTo("");
        c.restart(coordinator);
        TwoPcHarness.awaitView(c, c.servers(), 500);
        assertThat(replica(c, coordinator).stateMachine().digest())
                .isEqualTo(replica(c, others.getFirst()).stateMachine().digest());
        checkLinearizable(c);
    }

    /**
     * Starts a put of doubt=yes through client c1 and keeps its Commit from the other replicas;
     * returns its coordinator. c1 then crashes, so it never retries the write elsewhere (its
     * outcome stays indefinite).
     */
    private static NodeId inDoubtWrite(Cluster c) {
        c.put(0, "before", "1", OPERATION_TICKS_MAX);
        c.invoke(0, Commands.put("doubt", "yes"));
        c.tickUntil("every replica prepared the write", () -> c.servers().stream()
                .allMatch(n -> replica(c, n).undecided() == 1), 100);
        NodeId coordinator = c.servers().stream()
                .filter(n -> replica(c, n).status().details().get("coordinating").equals("1")).findFirst().orElseThrow();
        for (NodeId n : c.servers()) if (!n.equals(coordinator)) c.cut(coordinator, n);
        c.tickUntil("the coordinator applied it", () -> replica(c, coordinator).undecided() == 0
                && replica(c, coordinator).stateMachine().data().containsKey(io.replikv.core.util.Bytes.of("doubt")), 100);
        c.tick(10); // its own journal syncs
        c.crash(c.client(0));
        c.heal();
        return coordinator;
    }

    private static List<NodeId> allNodes(Cluster c) {
        List<NodeId> all = new ArrayList<>(List.of(VS));
        all.addAll(c.servers());
        return all;
    }

    private static void checkLinearizable(Cluster c) {
        CheckResult result = LinearizabilityChecker.check(c.history());
        assertThat(result.verdict()).as("%s%s", result.report(), c.seedHint()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
    }

    private static long acknowledged(List<List<List<Outcome>>> outcomes) {
        return outcomes.stream().flatMap(List::stream).flatMap(List::stream).filter(o -> o instanceof Outcome.Ok).count();
    }

    private static List<List<Outcome>> perClient() {
        return List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    /**
     * For every client i and n: "x i n y" occurs at most once, at offsets increasing with n, and
     * is present if its append was acknowledged (an indefinite one may be either).
     */
    private static void checkAppends(String value, List<List<Outcome>> outcomesPerClient, String seedHint) {
        for (int i = 0; i < outcomesPerClient.size(); i++) {
            int lastOffset = -1;
            List<Outcome> outcomes = outcomesPerClient.get(i);
            for (int n = 0; n < outcomes.size(); n++) {
                String piece = "x " + i + " " + n + " y";
                int first = value.indexOf(piece);
                assertThat(value.lastIndexOf(piece)).as("%s appended more than once; %s", piece, seedHint).isEqualTo(first);
                if (outcomes.get(n) instanceof Outcome.Ok) {
                    assertThat(first).as("acknowledged %s missing; %s", piece, seedHint).isNotNegative();
                }
                if (first < 0) continue;
                assertThat(first).as("%s out of order; %s", piece, seedHint).isGreaterThan(lastOffset);
                lastOffset = first;
            }
        }
    }
}
