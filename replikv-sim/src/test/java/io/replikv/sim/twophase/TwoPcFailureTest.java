package io.replikv.sim.twophase;

import static io.replikv.sim.twophase.TwoPcHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.client.ClientConfig;
import io.replikv.core.client.ClientCore;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Result;
import io.replikv.sim.Cluster;
import io.replikv.sim.Commands;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Goal: failures of replicas and of the network never lose an acknowledged write, never apply a
 * write twice and never leave replicas disagreeing (design.md §5, two-phase commit): a crashed
 * replica is dropped and its clients continue through the others; it rejoins only after a state
 * transfer and then has every update; a replica partitioned away completes no write and serves
 * no stale read; the view change settles the transactions a crashed coordinator left in doubt
 * (abort if no survivor committed, commit if one did) and one a crashed participant voted on.
 * Each runs with the single group view service and with the replicated one (three members).
 */
class TwoPcFailureTest {
    private static final ClientConfig PATIENT = new ClientConfig(40, 10, 0);

    /** Client c1 talks only to n1 (to steer the coordinator); the others know every replica. */
    private static Cluster pinnedToN1(Vs vs, long seed, long c1OperationTicksMax) {
        NodeId n1 = Cluster.serverId(0);
        ClientConfig c1Config = new ClientConfig(40, 10, c1OperationTicksMax);
        return builder(vs, seed, 3, 2).clients(2, (id, servers, prng) -> id.equals(Cluster.clientId(0))
                ? new ClientCore(id, List.of(n1), prng, c1Config)
                : new ClientCore(id, servers, prng, PATIENT)).build();
    }

    private static int inDoubt(Cluster c, NodeId id) {
        return Integer.parseInt(replica(c, id).status().details().get("inDoubt"));
    }

    @ParameterizedTest
    @EnumSource(Vs.class)
    void aCrashedReplicaIsDroppedClientsContinueAndItRejoinsWithEveryUpdate(Vs vs) {
        for (long seed = 1; seed <= 3; seed++) {
            Cluster c = start(vs, seed, 3, 3);
            NodeId n2 = c.server(1);
            ClosedLoop loop = new ClosedLoop(c, 30, ci -> i -> appendElement("k", ci, i));
            c.tickUntil("some appends done", () -> loop.pump() || loop.completed() >= 10, 5_000);
            c.crash(n2);
            c.tickUntil("view without n2", () -> {
                loop.pump();
                return viewService(c).view().members().equals(List.of(c.server(0), c.server(2)));
            }, 5_000);
            int atDrop = loop.completed();
            c.tickUntil("clients keep writing through the others", () -> loop.pump() || loop.completed() >= atDrop + 20, 5_000);
            c.restart(n2);
            c.tickUntil("every client done", loop::pump, 20_000);
            awaitView(c, c.servers(), 5_000);
            String value = c.get(0, "k", 1_000);
            checkAppends(c, value, 3, 30);
            assertThat(TwoPcConcurrencyTest.valueAt(c, n2, "k")).as(c.seedHint()).isEqualTo(value);
            assertAgreement(c);
            assertThat(replica(c, n2).status().details().get("viewsInstalled")).isEqualTo("1");
        }
    }

    @ParameterizedTest
    @EnumSource(Vs.class)
    void aPartitionedReplicaCompletesNoWriteAndServesNoStaleRead(Vs vs) {
        Cluster c = pinnedToN1(vs, 31, 300);
        awaitView(c, c.servers(), 500);
        NodeId n1 = c.server(0);
        c.put(1, "k", "old", 500);
        java.util.Set<NodeId> rest = new java.util.TreeSet<>(Set.of(c.server(1), c.server(2)));
        rest.addAll(vsNodes(c));
        c.partition(Set.of(n1), rest);
        Outcome write = c.call(0, Commands.put("k", "from-n1"), 1_000);
        assertThat(write).as(c.seedHint()).isNotInstanceOf(Outcome.Ok.class);
        awaitView(c, List.of(c.server(1), c.server(2)), 1_000);
        c.put(1, "k", "new", 1_000);
        Outcome read = c.call(0, Commands.get("k"), 1_000);
        assertThat(read).as("n1 must not answer from its stale state; " + c.seedHint())
                .isNotEqualTo(new Outcome.Ok(new Result.Value(io.replikv.core.util.Bytes.of("old"))))
                .isInstanceOf(Outcome.NotApplied.class);
        c.heal();
        awaitView(c, c.servers(), 2_000);
        assertThat(c.get(0, "k", 1_000)).as(c.seedHint()).isEqualTo("new");
        assertAgreement(c);
    }

    @ParameterizedTest
    @EnumSource(Vs.class)
    void aCoordinatorCrashAfterPrepareIsSettledAsAbort(Vs vs) {
        Cluster c = pinnedToN1(vs, 41, 0);
        awaitView(c, c.servers(), 500);
        NodeId n1 = c.server(0), n2 = c.server(1), n3 = c.server(2);
        c.put(1, "k", "before", 500);
        c.invoke(0, Commands.put("k", "lost"));
        c.tickUntil("n2 and n3 prepared", () -> inDoubt(c, n2) == 1 && inDoubt(c, n3) == 1, 50);
        c.crash(n1);
        awaitView(c, List.of(n2, n3), 1_000);
        assertThat(inDoubt(c, n2) + inDoubt(c, n3)).isZero();
        // the lock is gone and the write that nobody committed is not there
        assertThat(c.get(1, "k", 500)).as(c.seedHint()).isEqualTo("before");
        c.put(1, "k", "after", 500);
        c.restart(n1);
        awaitView(c, c.servers(), 2_000);
        assertAgreement(c);
        assertThat(TwoPcConcurrencyTest.valueAt(c, n1, "k")).isEqualTo("after");
    }

    @ParameterizedTest
    @EnumSource(Vs.class)
    void aCoordinatorCrashAfterAPartialCommitIsSettledAsCommit(Vs vs) {
        Cluster c = pinnedToN1(vs, 51, 0);
        awaitView(c, c.servers(), 500);
        NodeId n1 = c.server(0), n2 = c.server(1), n3 = c.server(2);
        c.put(1, "k", "before", 500);
        c.invoke(0, Commands.put("k", "committed"));
        c.tickUntil("n3 prepared", () -> inDoubt(c, n3) == 1, 50);
        c.dropNext(n1, n3, 1); // the Commit to n3
        c.tickUntil("n2 applied", () -> "committed".equals(TwoPcConcurrencyTest.valueAt(c, n2, "k")), 50);
        c.crash(n1);
        assertThat(inDoubt(c, n3)).isEqualTo(1);
        awaitView(c, List.of(n2, n3), 1_000);
        assertThat(TwoPcConcurrencyTest.valueAt(c, n3, "k")).as(c.seedHint()).isEqualTo("committed");
        assertThat(c.get(1, "k", 500)).isEqualTo("committed");
        assertAgreement(c);
    }

    @ParameterizedTest
    @EnumSource(Vs.class)
    void aParticipantCrashAfterVotingDelaysTheWriteUntilTheViewChange(Vs vs) {
        Cluster c = pinnedToN1(vs, 61, 0);
        awaitView(c, c.servers(), 500);
        NodeId n2 = c.server(1), n3 = c.server(2);
        Cluster.Invocation put = c.invoke(0, Commands.put("k", "v"));
        c.tickUntil("n3 prepared", () -> inDoubt(c, n3) == 1, 50);
        c.crash(n3);
        // the write is committed by n1 and n2, then acknowledged once the view without n3 is installed
        assertThat(c.await(put, 1_000)).as(c.seedHint()).isEqualTo(new Outcome.Ok(Result.WRITTEN));
        assertThat(viewService(c).view().members()).containsExactly(c.server(0), n2);
        c.restart(n3);
        awaitView(c, c.servers(), 2_000);
        assertThat(TwoPcConcurrencyTest.valueAt(c, n3, "k")).isEqualTo("v");
        assertAgreement(c);
    }

    @ParameterizedTest
    @EnumSource(Vs.class)
    void aRetriedWriteThroughAnotherCoordinatorAppliesOnce(Vs vs) {
        // c2's first attempt goes to a coordinator whose replies are lost; it retries elsewhere with the same tag
        Cluster c = start(vs, 71, 3, 1);
        c.put(0, "k", "", 500);
        NodeId first = io.replikv.core.NodeId.of(c.node(c.client(0)).status().leader().name());
        c.cut(first, c.client(0));
        c.append(0, "k", "once", 2_000);
        c.uncut(first, c.client(0));
        assertThat(c.get(0, "k", 500)).as(c.seedHint()).isEqualTo("once");
        assertAgreement(c);
    }
}
