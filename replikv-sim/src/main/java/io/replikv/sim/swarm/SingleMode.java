package io.replikv.sim.swarm;

import io.replikv.core.NodeId;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.single.SingleServerCore;
import io.replikv.sim.ClientFactory;
import io.replikv.sim.Cluster;
import io.replikv.core.util.Invariants;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Mode single: one {@link SingleServerCore}, no replication, nothing on disk. The swarm faults the
 * network and pauses the server, but never crashes it: a crash of a server that keeps nothing
 * loses everything by design.
 */
public final class SingleMode implements SimMode {
    /** A single server answers in one round trip: 10 ticks is several round trips of the slowest link the swarm draws. */
    static final long CLIENT_ATTEMPT_TICKS = 10;

    @Override
    public String name() {
        return "single";
    }

    @Override
    public List<Integer> nodeCounts() {
        return List.of(1);
    }

    @Override
    public boolean survivesCrashes() {
        return false;
    }

    @Override
    public long clientAttemptTicks() {
        return CLIENT_ATTEMPT_TICKS;
    }

    @Override
    public ModeCluster build(ModeSetup setup) {
        Invariants.check(setup.nodes() == 1, "mode single runs exactly one server, not %d", setup.nodes());
        Cluster c = Cluster.builder().seed(setup.seed()).traceLinesMax(setup.traceLinesMax())
                .servers(1, (id, prng, storage) -> new SingleServerCore(id))
                .clients(setup.clients(), ClientFactory.core(setup.client()))
                .network(setup.network()).disk(setup.disk())
                .build();
        return new SingleCluster(c);
    }

    private static final class SingleCluster extends ModeCluster {
        SingleCluster(Cluster cluster) {
            super(cluster);
        }

        @Override
        public boolean mayCrash(NodeId node) {
            return false;
        }

        @Override
        public String checkSafety() {
            return null;
        }

        @Override
        public SortedMap<NodeId, KvStateMachine> replicasThatMustAgree() {
            return allReplicas();
        }

        @Override
        public String notConverged() {
            return null;
        }

        @Override
        public SortedMap<NodeId, KvStateMachine> allReplicas() {
            TreeMap<NodeId, KvStateMachine> out = new TreeMap<>();
            NodeId id = cluster().server(0);
            out.put(id, cluster().node(id, SingleServerCore.class).stateMachine());
            return out;
        }
    }
}
