package io.replikv.sim.swarm;

import io.replikv.core.NodeId;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.twophase.GroupView;
import io.replikv.core.twophase.GroupViewCore;
import io.replikv.core.twophase.TwoPcConfig;
import io.replikv.core.twophase.TwoPcReplicaCore;
import io.replikv.sim.ClientFactory;
import io.replikv.sim.Cluster;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Mode 2pc: {@link TwoPcReplicaCore}s n1..nN and the group view service "vs"
 * ({@link GroupViewCore}), with fast timing. Crashes stay within what 2pc is built to survive
 * (docs/2pc.md): the view service may crash at any time (it keeps the view on disk), and a replica
 * only while another replica is a live member of the installed view that never restarted in it
 * (and, during a view change, one of the change's survivors); a crash of every member at once
 * comes only as the swarm's whole-cluster crash (docs/2pc.md, "Whole-group crash"), at any time —
 * also before any replica journaled view 1, which the group survives by a fresh start — and a replica
 * whose disk the swarm corrupts is wiped and rejoins by state transfer. Agreement is required of the
 * replicas that installed the view the service holds, while no view change is under way: a
 * replica on its way out may hold a write that the survivors settled as aborted (also while a
 * restarted view service is about to resume a change that settled). Only the view
 * service is paused (see {@link ModeCluster#mayPause}).
 */
public final class TwoPcMode implements SimMode {
    public static final NodeId VIEW_SERVICE = NodeId.of("vs");

    /**
     * The swarm's 2pc timing on a fast network (the scenario harness's): ping every 5 ticks, dead
     * after 4 silent intervals, votes within 20 ticks, resend after 10, 8 attempts with backoff up
     * to 10 ticks. Faster than the default so view changes happen often within a short run.
     */
    static final TwoPcConfig FAST = new TwoPcConfig(5, 4, 20, 10, 8, 10, 64, 256);

    /**
     * {@link #FAST}, with every timeout stretched to the network's round trip, as a deployment
     * tunes them: the vote timeout and the retry backoff to two round trips (a backoff shorter
     * than a round trip makes writers to one key abort each other forever: each locks its own
     * replica first and is refused by the others), resends to one, and the dead interval so that a
     * read lease outlives a ping's round trip.
     */
    static TwoPcConfig config(long roundTripTicksMax) {
        long rt = roundTripTicksMax;
        int deadPings = (int) Math.max(FAST.deadPings(), 2 * rt / FAST.pingIntervalTicks() + 2);
        return new TwoPcConfig(FAST.pingIntervalTicks(), deadPings, Math.max(FAST.voteTimeoutTicks(), 2 * rt),
                Math.max(FAST.resendTicks(), rt), FAST.txnAttemptsMax(), Math.max(FAST.retryBackoffTicksMax(), 2 * rt),
                FAST.coordinatedTxnsMax(), FAST.waitingReadsMax());
    }

    /** A write with a few conflict retries fits in 40 ticks, as in the scenario harness. */
    static final long CLIENT_ATTEMPT_TICKS = 40;

    @Override
    public String name() {
        return "2pc";
    }

    @Override
    public List<Integer> nodeCounts() {
        return List.of(2, 3, 3, 4);
    }

    @Override
    public boolean survivesCrashes() {
        return true;
    }

    @Override
    public long clientAttemptTicks() {
        return CLIENT_ATTEMPT_TICKS;
    }

    @Override
    public ModeCluster build(ModeSetup setup) {
        List<NodeId> peers = Cluster.serverIds(setup.nodes());
        TwoPcConfig config = config(setup.roundTripTicksMax());
        Cluster c = Cluster.builder().seed(setup.seed()).traceLinesMax(setup.traceLinesMax())
                .servers(setup.nodes(), (id, prng, storage) -> new TwoPcReplicaCore(id, peers, VIEW_SERVICE, config,
                        prng, storage))
                .node(VIEW_SERVICE, (id, prng, storage) -> new GroupViewCore(id, peers, config, storage))
                .clients(setup.clients(), ClientFactory.core(setup.client()))
                .network(setup.network()).disk(setup.disk())
                .build();
        return new TwoPcCluster(c);
    }

    private static final class TwoPcCluster extends ModeCluster {
        TwoPcCluster(Cluster cluster) {
            super(cluster);
        }

        private TwoPcReplicaCore replica(NodeId id) {
            return cluster().node(id, TwoPcReplicaCore.class);
        }

        private GroupViewCore viewService() {
            return cluster().node(VIEW_SERVICE, GroupViewCore.class);
        }

        @Override
        public List<NodeId> extraNodes() {
            return List.of(VIEW_SERVICE);
        }

        /** A live replica that installed the view the service holds (so it is a survivor of any change from it). */
        private boolean installedMember(NodeId id, GroupView view) {
            if (!cluster().alive(id)) return false;
            TwoPcReplicaCore r = replica(id);
            return r.member() && r.view().number() == view.number() && view.contains(id);
        }

        @Override
        public boolean mayCrash(NodeId node) {
            if (node.equals(VIEW_SERVICE)) return true;
            if (!cluster().alive(VIEW_SERVICE)) return false;
            GroupViewCore vs = viewService();
            List<String> survivors = changeSurvivors(vs);
            for (NodeId other : cluster().servers()) {
                if (other.equals(node) || !installedMember(other, vs.view())) continue;
                // mid-change, only a survivor of the change counts: the change may install a view
                // of its survivors alone, even one whose last Settled is still in flight from a
                // replica that has crashed meanwhile
                if (survivors == null || survivors.contains(other.name())) return true;
            }
            return false;
        }

        /** A replica that may crash, and only a replica: the view service's disk holds the view, which no one else has. */
        @Override
        public boolean mayLoseDisk(NodeId node) {
            return !node.equals(VIEW_SERVICE) && mayCrash(node);
        }

        /**
         * The survivors of the view change under way at the service, else those of the last attempt
         * of a pending change that settled (later attempts only keep some of them), from its status;
         * null if no change is pending.
         */
        private static List<String> changeSurvivors(GroupViewCore vs) {
            String listed = vs.status().details().get("survivors");
            if (listed == null) listed = vs.status().details().get("settledSurvivors");
            if (listed == null) return null;
            String inner = listed.substring(1, listed.length() - 1);
            return inner.isEmpty() ? List.of() : List.of(inner.split(", "));
        }

        /**
         * Only the view service: a replica serves reads on a lease counted in its own ticks, which
         * a pause stops (unbounded clock drift, outside 2pc's model); the service only ever
         * waits longer before it drops a silent replica, which is safe.
         */
        @Override
        public boolean mayPause(NodeId node) {
            return node.equals(VIEW_SERVICE);
        }

        @Override
        public String checkSafety() {
            return null;
        }

        @Override
        public SortedMap<NodeId, KvStateMachine> replicasThatMustAgree() {
            TreeMap<NodeId, KvStateMachine> out = new TreeMap<>();
            if (!cluster().alive(VIEW_SERVICE)) return out;
            GroupViewCore vs = viewService();
            // a change under way, or one whose attempt settled and that a restart of the service
            // interrupted: members on their way out may hold writes the survivors settled as aborted
            if (!vs.status().role().equals("stable") || vs.status().details().containsKey("settledSurvivors")) return out;
            for (NodeId id : cluster().servers()) {
                if (installedMember(id, vs.view())) out.put(id, replica(id).stateMachine());
            }
            return out;
        }

        @Override
        public String notConverged() {
            if (!cluster().alive(VIEW_SERVICE)) return "the view service is down";
            GroupViewCore vs = viewService();
            if (!vs.status().role().equals("stable")) return "the view service is changing the view: " + vs.status().details();
            GroupView view = vs.view();
            if (!view.members().equals(cluster().servers())) return "view " + view.number() + " holds " + view.members();
            for (NodeId id : cluster().servers()) {
                if (!installedMember(id, view)) return id + " has not installed view " + view.number();
                if (replica(id).undecided() > 0) return id + " has " + replica(id).undecided() + " undecided transactions";
            }
            long applied = replica(cluster().server(0)).stateMachine().appliedCount();
            for (NodeId id : cluster().servers()) {
                long a = replica(id).stateMachine().appliedCount();
                if (a != applied) return id + " applied " + a + " writes, " + cluster().server(0) + " " + applied;
            }
            return null;
        }

        @Override
        public SortedMap<NodeId, KvStateMachine> allReplicas() {
            TreeMap<NodeId, KvStateMachine> out = new TreeMap<>();
            for (NodeId id : cluster().servers()) out.put(id, replica(id).stateMachine());
            return out;
        }
    }
}
