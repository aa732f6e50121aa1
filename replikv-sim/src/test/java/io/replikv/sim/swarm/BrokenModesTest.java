package io.replikv.sim.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.single.SingleServerCore;
import io.replikv.sim.ClientFactory;
import io.replikv.sim.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Goal: the swarm catches broken clusters, so its passes mean something. Two test-only modes,
 * each next to a control that differs only in the bug:
 * <ul>
 *   <li>a single server the swarm may crash: it keeps nothing on disk, so a crash drops writes it
 *       acknowledged — the linearizability check must fail;</li>
 *   <li>a server with a shadow replica that skips every fifth write — the agreement check must
 *       fail, while the same server with a faithful shadow passes.</li>
 * </ul>
 */
class BrokenModesTest {
    private static final SwarmSettings SETTINGS = SwarmSettings.bulk(1_000, 1);
    private static final int SEEDS = 20;

    /** A mode of one server built by {@code factory}, crashable or not, whose replicas are what {@code replicas} says. */
    private record OneServerMode(String name, boolean survivesCrashes, boolean skipping) implements SimMode {
        @Override public List<Integer> nodeCounts() { return List.of(1); }
        @Override public long clientAttemptTicks() { return 10; }

        @Override
        public ModeCluster build(ModeSetup setup) {
            Cluster c = Cluster.builder().seed(setup.seed()).traceLinesMax(setup.traceLinesMax())
                    .servers(1, (id, prng, storage) -> new ShadowedServer(id, skipping))
                    .clients(setup.clients(), ClientFactory.core(setup.client()))
                    .network(setup.network()).disk(setup.disk())
                    .build();
            boolean crashable = survivesCrashes;
            return new ModeCluster(c) {
                @Override public boolean mayCrash(NodeId node) { return crashable; }
                @Override public String checkSafety() { return null; }
                @Override public String notConverged() { return null; }

                @Override
                public SortedMap<NodeId, KvStateMachine> replicasThatMustAgree() {
                    return allReplicas();
                }

                @Override
                public SortedMap<NodeId, KvStateMachine> allReplicas() {
                    ShadowedServer s = cluster().node(cluster().server(0), ShadowedServer.class);
                    TreeMap<NodeId, KvStateMachine> out = new TreeMap<>();
                    out.put(s.id(), s.inner.stateMachine());
                    out.put(NodeId.of(s.id() + "-shadow"), s.shadow);
                    return out;
                }
            };
        }
    }

    /** A single server whose writes a shadow state machine applies too (skipping every fifth, if told to). */
    private static final class ShadowedServer implements Node {
        final SingleServerCore inner;
        final KvStateMachine shadow = new KvStateMachine();
        private final boolean skipping;
        private long writes;

        ShadowedServer(NodeId id, boolean skipping) {
            this.inner = new SingleServerCore(id);
            this.skipping = skipping;
        }

        @Override public NodeId id() { return inner.id(); }
        @Override public void onTick() { inner.onTick(); }
        @Override public Effects drain() { return inner.drain(); }
        @Override public NodeStatus status() { return inner.status(); }

        @Override
        public void onMessage(NodeId from, Message message) {
            inner.onMessage(from, message);
            if (message instanceof ClientRequest r && !r.request().command().readOnly()
                    && KvStateMachine.validate(r.request().command()) == null) {
                if (!skipping || ++writes % 5 != 0) shadow.apply(r.request());
            }
        }
    }

    private static List<SeedResult> failures(SimMode mode) {
        List<SeedResult> out = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            SeedResult r = Swarm.run(mode, seed, SETTINGS);
            if (!r.passed()) out.add(r);
        }
        return out;
    }

    @Test
    void aServerThatLosesAcknowledgedWritesInACrashFailsLinearizability() {
        assertThat(failures(new OneServerMode("control", false, false))).extracting(SeedResult::line).isEmpty();
        List<SeedResult> failed = failures(new OneServerMode("forgetful", true, false));
        assertThat(failed).extracting(r -> r.failure().check()).contains(SeedResult.Check.LINEARIZABILITY);
        assertThat(failed.size()).as("seeds with crashes that lost acknowledged writes").isGreaterThan(SEEDS / 4);
    }

    @Test
    void aReplicaThatSkipsWritesFailsAgreement() {
        List<SeedResult> failed = failures(new OneServerMode("skipping", false, true));
        assertThat(failed).extracting(r -> r.failure().check()).containsOnly(SeedResult.Check.AGREEMENT);
        assertThat(failed.size()).as("every seed that wrote five times").isGreaterThan(SEEDS / 2);
    }
}
