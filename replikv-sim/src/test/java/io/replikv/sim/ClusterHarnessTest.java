package io.replikv.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.client.ClientConfig;
import io.replikv.core.client.Outcome;
import io.replikv.core.single.SingleServerCore;
import io.replikv.core.util.Invariants;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Goal: the fluent harness names nodes predictably, runs client calls to completion, and makes
 * every failure escaping a simulation — a node's broken invariant, a tick budget running out, a
 * failing condition or assertion, a misuse of the harness — name the seed and say how to replay.
 */
class ClusterHarnessTest {
    private static final NodeFactory SINGLE = (id, prng, storage) -> new SingleServerCore(id);
    private static final ClientConfig FAST = new ClientConfig(10, 10, 0);

    /** A node whose invariant breaks on the first message it gets. */
    private record Fragile(NodeId id) implements Node {
        @Override public void onMessage(NodeId from, Message message) {
            Invariants.check(false, "fragile node got %s", message);
        }
        @Override public void onTick() {}
        @Override public Effects drain() { return Effects.NONE; }
        @Override public NodeStatus status() {
            return new NodeStatus(id, "test", "fragile", 0, null, List.of(id), 0, new TreeMap<>());
        }
    }

    @Test
    void namesServersAndClientsFromOne() {
        Cluster c = Cluster.builder().seed(1).servers(3, SINGLE).node(NodeId.of("vs"), SINGLE)
                .clients(2, ClientFactory.core(FAST)).build();
        assertThat(c.servers()).containsExactlyElementsOf(Cluster.serverIds(3));
        assertThat(c.servers()).extracting(NodeId::name).containsExactly("n1", "n2", "n3");
        assertThat(c.clients()).extracting(NodeId::name).containsExactly("c1", "c2");
        assertThat(c.simulator().nodes()).extracting(NodeId::name).containsExactly("n1", "n2", "n3", "vs", "c1", "c2");
        // clients know the servers, not the extra node
        assertThat(c.node(c.client(0)).status().members()).containsExactlyElementsOf(c.servers());
    }

    @Test
    void callRunsAnOperationToItsOutcomeAndRecordsIt() {
        Cluster c = Cluster.builder().seed(2).servers(1, SINGLE).clients(1, ClientFactory.core(FAST))
                .network(LinkSettings.delayed(2, 2)).build();
        c.tick(5);
        Outcome o = c.call(0, Commands.put("k", "v"), 100);
        assertThat(o).isInstanceOf(Outcome.Ok.class);
        // request and reply each take 2 ticks
        assertThat(c.history()).singleElement().satisfies(op -> {
            assertThat(op.callTime()).isEqualTo(5);
            assertThat(op.returnTime()).isEqualTo(9);
        });
        assertThat(c.get(0, "k", 100)).isEqualTo("v");
        assertThat(c.get(0, "absent", 100)).isEqualTo("");
    }

    @Test
    void aBrokenInvariantInANodeFailsWithTheSeed() {
        Cluster c = Cluster.builder().seed(4242).servers(1, (id, prng, storage) -> new Fragile(id))
                .clients(1, ClientFactory.core(FAST)).build();
        c.invoke(0, Commands.put("k", "v"));
        assertThatThrownBy(() -> c.tick(5))
                .isInstanceOf(SimulationFailure.class)
                .hasMessageContaining("seed=4242 tick=1")
                .hasMessageContaining("node n1 threw")
                .hasMessageContaining("fragile node got ClientRequest")
                .hasMessageContaining("replay: run the same test with seed 4242")
                .satisfies(e -> assertThat(((SimulationFailure) e).seed()).isEqualTo(4242));
    }

    @Test
    void tickUntilFailsWithTheSeedAndTheConditionWhenTheBudgetRunsOut() {
        Cluster c = Cluster.builder().seed(77).servers(1, SINGLE).build();
        assertThat(c.tickUntil("already true", () -> true, 0)).isZero();
        assertThat(c.tickUntil("tick 10", () -> c.now() >= 10, 10)).isEqualTo(10);
        assertThatThrownBy(() -> c.tickUntil("a leader is elected", () -> false, 25))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("seed=77")
                .hasMessageContaining("'a leader is elected' did not hold within 25 ticks")
                .hasMessageContaining("replay");
        assertThat(c.now()).isEqualTo(35);
    }

    @Test
    void aConditionOrCheckThatThrowsIsReportedWithTheSeed() {
        Cluster c = Cluster.builder().seed(78).servers(1, SINGLE).build();
        assertThatThrownBy(() -> c.tickUntil("boom", () -> { throw new IllegalStateException("bad"); }, 5))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("seed=78")
                .hasMessageContaining("IllegalStateException: bad");
        assertThatThrownBy(() -> c.check("values", () -> assertThat(1).isEqualTo(2)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("seed=78")
                .hasMessageContaining("values");
    }

    @Test
    void awaitingAnOperationThatCannotFinishFailsWithTheSeed() {
        Cluster c = Cluster.builder().seed(79).servers(1, SINGLE).clients(1, ClientFactory.core(FAST)).build();
        c.isolate(c.server(0));
        assertThatThrownBy(() -> c.call(0, Commands.get("k"), 50))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("seed=79")
                .hasMessageContaining("operation 1 on c1 (Get[key=k]) completes");
    }

    @Test
    void misuseOfTheHarnessFailsWithTheSeed() {
        Cluster c = Cluster.builder().seed(80).servers(1, SINGLE).clients(1, ClientFactory.core(FAST)).build();
        c.crash(c.server(0));
        c.invoke(0, Commands.get("k"));
        assertThatThrownBy(() -> c.invoke(0, Commands.get("k")))
                .isInstanceOf(SimulationFailure.class).hasMessageContaining("seed=80").hasMessageContaining("in flight");
        assertThatThrownBy(() -> c.invoke(c.server(0), Commands.get("k")))
                .isInstanceOf(SimulationFailure.class).hasMessageContaining("crashed");
        assertThatThrownBy(() -> c.node(NodeId.of("zz")))
                .isInstanceOf(SimulationFailure.class).hasMessageContaining("no node zz");
    }

    @Test
    void checksAfterEachTickFailTheSeedAndCountersCountMessages() {
        Cluster c = Cluster.builder().seed(81).servers(1, SINGLE).clients(1, ClientFactory.core(FAST)).build();
        c.put(0, "k", "v", 100);
        assertThat(c.messagesDelivered(c.server(0))).isEqualTo(1);
        assertThat(c.messagesSent(c.server(0))).isEqualTo(1);
        assertThat(c.messagesSent(c.client(0))).isEqualTo(1);
        c.afterEachTick("clock below 20", () -> assertThat(c.now()).isLessThan(20));
        assertThatThrownBy(() -> c.tick(30))
                .isInstanceOf(SimulationFailure.class)
                .hasMessageContaining("seed=81 tick=20")
                .hasMessageContaining("check 'clock below 20' failed");
    }
}
