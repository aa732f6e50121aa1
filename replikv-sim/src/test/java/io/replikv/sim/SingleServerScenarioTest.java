package io.replikv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.client.ClientConfig;
import io.replikv.core.client.Outcome;
import io.replikv.core.single.SingleServerCore;
import io.replikv.sim.history.Operation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Goal: end to end through the simulator with the real single-server and client cores — the
 * original "at-most-once Append; unreliable" test (specs/mit-6824-tests.md §5.2) passes, a
 * crashed server makes operations end after ClientConfig.operationTicksMax with the right kind of
 * outcome, and the history records call and return ticks (NEVER for operations still in flight).
 */
class SingleServerScenarioTest {
    private static final NodeFactory SINGLE = (id, prng, storage) -> new SingleServerCore(id);

    @Test
    void appendsThroughAnUnreliableServerApplyAtMostOnce() {
        for (long seed = 1; seed <= 3; seed++) {
            Cluster c = Cluster.builder().seed(seed).servers(1, SINGLE)
                    .clients(1, ClientFactory.core(new ClientConfig(10, 10, 0))).build();
            NodeId n1 = c.server(0);
            c.setUnreliable(n1, true);
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                c.append(0, "counter", Integer.toString(i), 10_000);
                expected.append(i);
            }
            String value = c.get(0, "counter", 10_000);
            Cluster cc = c;
            c.check("final value", () -> {
                assertThat(value).hasSize(190).isEqualTo(expected.toString());
                // the unreliable server really lost requests and replies along the way
                assertThat(cc.trace()).contains(" unreliable", " reply-lost");
            });
        }
    }

    @Test
    void putsThroughAnUnreliableServerKeepTheLastValue() {
        Cluster c = Cluster.builder().seed(5).servers(1, SINGLE)
                .clients(2, ClientFactory.core(new ClientConfig(10, 10, 0))).build();
        c.setUnreliable(c.server(0), true);
        for (int i = 0; i < 50; i++) c.put(i % 2, "k", "v" + i, 10_000);
        assertThat(c.get(0, "k", 10_000)).as(c.seedHint()).isEqualTo("v49");
        assertThat(c.node(c.server(0), SingleServerCore.class).stateMachine().sessions().size()).isEqualTo(2);
    }

    @Test
    void aCrashedServerMakesOperationsTimeOut() {
        long limit = 50;
        Cluster c = Cluster.builder().seed(6).servers(1, SINGLE)
                .clients(1, ClientFactory.core(new ClientConfig(10, 10, limit))).build();
        c.put(0, "k", "v", 100);
        c.crash(c.server(0));

        Outcome put = c.call(0, Commands.put("k", "w"), 1_000);
        // the put's last attempt was unanswered: it may have applied, so the outcome is indefinite
        assertThat(put).isInstanceOf(Outcome.Unknown.class);
        Outcome get = c.call(0, Commands.get("k"), 1_000);
        assertThat(get).isInstanceOfSatisfying(Outcome.NotApplied.class, n -> assertThat(n.code()).isEqualTo("TIMEOUT"));

        List<Operation> history = c.history();
        assertThat(history).hasSize(3);
        for (Operation op : history.subList(1, 3)) assertThat(op.returnTime() - op.callTime()).isEqualTo(limit);
        assertThat(history.get(0).outcome()).isEqualTo(new Outcome.Ok(io.replikv.core.kv.Result.WRITTEN));
    }

    @Test
    void operationsStillInFlightAreRecordedAsNeverReturning() {
        Cluster c = Cluster.builder().seed(7).servers(1, SINGLE)
                .clients(2, ClientFactory.core(new ClientConfig(10, 10, 0))).build();
        c.crash(c.server(0));
        Cluster.Invocation append = c.invoke(0, Commands.append("k", "x"));
        c.tick(3);
        Cluster.Invocation get = c.invoke(1, Commands.get("k"));
        c.tick(100);
        assertThat(c.done(append)).isFalse();
        List<Operation> inFlight = c.history();
        assertThat(inFlight).extracting(Operation::returnTime).containsExactly(Operation.NEVER, Operation.NEVER);
        assertThat(inFlight).extracting(Operation::outcome).containsOnlyNulls();
        assertThat(inFlight).extracting(Operation::callTime).containsExactly(0L, 3L);
        assertThat(inFlight).extracting(Operation::client).containsExactly("c1", "c2");

        c.restart(c.server(0));
        assertThat(c.await(append, 100)).isInstanceOf(Outcome.Ok.class);
        assertThat(Commands.valueOf(c.await(get, 100))).isIn("", "x");
        assertThat(c.history()).allSatisfy(op -> assertThat(op.returnTime()).isBetween(103L, 203L));
    }
}
