package io.replikv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.client.ClientConfig;
import io.replikv.core.client.Outcome;
import io.replikv.sim.ProbeNode.Mode;
import io.replikv.sim.ProbeNode.Ping;
import org.junit.jupiter.api.Test;

/**
 * Goal: a crash stops a node and throws away what was in flight to it and what its disk had not
 * synced; a restart builds a fresh node from the factory with only the durable state; a pause
 * loses nothing and delivers what arrived meanwhile on resume.
 */
class CrashRestartTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final ClientConfig FAST = new ClientConfig(10, 10, 0);

    @Test
    void restartBuildsAFreshNodeFromDurableState() {
        Cluster c = Cluster.builder().seed(21).servers(1, DurableKvCore.factory())
                .clients(1, ClientFactory.core(FAST)).build();
        NodeId n1 = c.server(0);
        c.put(0, "k", "v1", 100);
        c.append(0, "k", "+2", 100);
        Node before = c.node(n1);
        c.crash(n1);
        assertThat(c.alive(n1)).isFalse();
        c.restart(n1);
        DurableKvCore after = c.node(n1, DurableKvCore.class);
        assertThat(after).isNotSameAs(before);
        assertThat(after.recoveredState).isTrue();
        assertThat(after.value("k")).isEqualTo("v1+2");
        assertThat(c.get(0, "k", 100)).isEqualTo("v1+2");
        assertThat(c.simulator().restarts(n1)).isEqualTo(1);
    }

    @Test
    void aWriteWhoseSyncDidNotCompleteIsLostAndRetriedOnce() {
        Cluster c = Cluster.builder().seed(22).servers(1, DurableKvCore.factory())
                .clients(1, ClientFactory.core(FAST)).disk(DiskSettings.delayed(5, 5)).build();
        NodeId n1 = c.server(0);
        c.put(0, "k", "a", 100);
        Cluster.Invocation append = c.invoke(0, Commands.append("k", "b"));
        c.tickUntil("append applied in memory", () -> "ab".equals(c.node(n1, DurableKvCore.class).value("k")), 10);
        c.crash(n1);
        assertThat(c.disk(n1).lostOps()).isEqualTo(1);
        c.restart(n1);
        assertThat(c.node(n1, DurableKvCore.class).value("k")).isEqualTo("a");
        // the client never got an answer, retries with the same tag, and the append applies once
        assertThat(c.await(append, 200)).isEqualTo(new Outcome.Ok(new io.replikv.core.kv.Result.Length(2)));
        assertThat(c.get(0, "k", 100)).isEqualTo("ab");
    }

    @Test
    void messagesInFlightToACrashedNodeAreDiscardedEvenIfItRestartsFirst() {
        Simulator sim = new Simulator(23);
        sim.network().setDefaults(LinkSettings.delayed(5, 5));
        sim.addNode(A, ProbeNode.factory(sim::now, Mode.RECORD, null));
        sim.addNode(B, ProbeNode.factory(sim::now, Mode.RECORD, null));
        ((ProbeNode) sim.node(A)).queue(B, new Ping(1));
        sim.run(2);
        sim.crash(B);
        long ticksAtCrash = ((ProbeNode) sim.node(B)).ticks;
        sim.tick();
        assertThat(((ProbeNode) sim.node(B)).ticks).isEqualTo(ticksAtCrash); // a dead node does not tick
        sim.restart(B);
        sim.run(10);
        assertThat(((ProbeNode) sim.node(B)).received).isEmpty();
        assertThat(sim.trace().text()).contains("drop #1 a->b dead");
        // the new incarnation is reachable
        ((ProbeNode) sim.node(A)).queue(B, new Ping(2));
        sim.run(7);
        assertThat(((ProbeNode) sim.node(B)).received).hasSize(1);
    }

    @Test
    void aPausedNodeDoesNotTickAndGetsItsMessagesOnResume() {
        Simulator sim = new Simulator(24);
        sim.addNode(A, ProbeNode.factory(sim::now, Mode.RECORD, null));
        sim.addNode(B, ProbeNode.factory(sim::now, Mode.RECORD, null));
        ProbeNode a = (ProbeNode) sim.node(A);
        ProbeNode b = (ProbeNode) sim.node(B);
        sim.tick();
        sim.pause(B);
        for (int i = 0; i < 3; i++) a.queue(B, new Ping(i));
        sim.run(10);
        assertThat(b.ticks).isEqualTo(1);
        assertThat(b.received).isEmpty();
        sim.resume(B);
        assertThat(b.received).extracting(r -> ((Ping) r.message()).n()).containsExactly(0, 1, 2);
        sim.tick();
        assertThat(b.ticks).isEqualTo(2);
    }
}
