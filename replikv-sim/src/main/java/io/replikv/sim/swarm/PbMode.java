package io.replikv.sim.swarm;

import io.replikv.core.NodeId;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.pb.PbClientConfig;
import io.replikv.core.pb.PbClientCore;
import io.replikv.core.pb.PbConfig;
import io.replikv.core.pb.PbServerCore;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.viewservice.ViewServiceCore;
import io.replikv.sim.Cluster;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Mode pb: {@link PbServerCore}s n1..nN with one or two backups per view, the view service "vs"
 * ({@link ViewServiceCore}) and {@link PbClientCore} clients that find the primary through it.
 * Servers journal their updates and the view service its view (docs/pb.md, "Durability and the
 * whole-cluster crash"). A server other than the primary may crash only while the view is stable
 * (acknowledged, every member alive and holding the state); in seeds with
 * {@link SwarmOptions#crashEveryRole()} also the primary of a stable view and the view service at
 * any time; whole-cluster crashes take down every server and the view service at once. Even so,
 * the design can end up stuck for good (a view whose primary cannot acknowledge it); the swarm then
 * waives liveness ({@link #stuckByDesign}) and still checks the history. Safety after every tick:
 * at most one primary per view number, among every view any node holds, and synced servers of the
 * current view at the same applied count hold the same state.
 */
public final class PbMode implements SimMode {
    public static final NodeId VIEW_SERVICE = NodeId.of("vs");

    /** PbClientConfig's default: the view service's dead time, far beyond a healthy write. */
    static final long CLIENT_ATTEMPT_TICKS = PbClientConfig.ATTEMPT_TICKS_DEFAULT;

    /** Most backups per view the swarm draws: two already exercises every k > 1 path. */
    static final int BACKUPS_MAX = 2;

    @Override
    public String name() {
        return "pb";
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

    /**
     * The default timing, with the relay timeout stretched to a few round trips of this network
     * (a relay that gives up sooner than the primary can answer only adds Uncertain outcomes).
     */
    static PbConfig config(long roundTripTicksMax) {
        PbConfig d = PbConfig.DEFAULT;
        return new PbConfig(d.pingIntervalTicks(), d.retryTicks(), d.ackWaitTicksMax(),
                Math.max(d.relayTicksMax(), 4 * roundTripTicksMax), d.transferChunkBytesMax(), d.pendingRequestsMax());
    }

    @Override
    public ModeCluster build(ModeSetup setup) {
        int backups = 1 + setup.prng().nextInt(Math.min(BACKUPS_MAX, Math.max(1, setup.nodes() - 1)));
        PbConfig config = config(setup.roundTripTicksMax());
        PbClientConfig client = new PbClientConfig(setup.client().attemptTicks(), setup.client().retryBackoffTicksMax(),
                setup.client().operationTicksMax());
        Cluster c = Cluster.builder().seed(setup.seed()).traceLinesMax(setup.traceLinesMax())
                .servers(setup.nodes(), (id, prng, storage) -> new PbServerCore(id, VIEW_SERVICE, config, storage))
                .node(VIEW_SERVICE, (id, prng, storage) ->
                        new ViewServiceCore(id, ViewServiceConfig.DEFAULT.withBackupsMax(backups), storage))
                .clients(setup.clients(), (id, known, prng) -> new PbClientCore(id, VIEW_SERVICE, prng, client))
                .clientServers(List.of(VIEW_SERVICE))
                .network(setup.network()).disk(setup.disk())
                .build();
        return new PbCluster(c, setup.crashEveryRole());
    }

    private static final class PbCluster extends ModeCluster {
        private final TreeMap<Long, NodeId> primaryOfView = new TreeMap<>();
        private final boolean crashEveryRole;

        PbCluster(Cluster cluster, boolean crashEveryRole) {
            super(cluster);
            this.crashEveryRole = crashEveryRole;
        }

        private PbServerCore server(NodeId id) {
            return cluster().node(id, PbServerCore.class);
        }

        private ViewServiceCore viewService() {
            return cluster().node(VIEW_SERVICE, ViewServiceCore.class);
        }

        @Override
        public List<NodeId> extraNodes() {
            return List.of(VIEW_SERVICE);
        }

        /** The view is acknowledged, its members alive, and every member holds the primary's state. */
        private boolean stable() {
            if (!cluster().alive(VIEW_SERVICE)) return false;
            View v = viewService().view();
            if (!viewService().acknowledged() || v.primary() == null) return false;
            for (NodeId m : v.members()) {
                if (!cluster().alive(m) || !server(m).synced()) return false;
            }
            return server(v.primary()).serving();
        }

        /**
         * A backup or idle server only while the view is stable: the view service must not build a
         * view around a server that is already dead (the primary of a view nobody can acknowledge
         * freezes it for good). With {@code crashEveryRole}, also the primary of a stable view (a
         * backup holding the state takes over, or the primary's disk resumes the service by the
         * recovery rule), and the view service at any time (it persists its view before any reply
         * shows it).
         */
        @Override
        public boolean mayCrash(NodeId node) {
            if (node.equals(VIEW_SERVICE)) return crashEveryRole;
            return stable() && (crashEveryRole || !viewService().view().isPrimary(node));
        }

        /**
         * A server that may crash, while someone else holds everything it acknowledged: it is no
         * member of the view, or the view has a backup (every member of a stable view holds the
         * state). Never the view service: its disk is the only copy of the view.
         */
        @Override
        public boolean mayLoseDisk(NodeId node) {
            if (node.equals(VIEW_SERVICE) || !mayCrash(node)) return false;
            View v = viewService().view();
            return !v.isMember(node) || !v.backups().isEmpty();
        }

        /**
         * The documented dead end of the design (docs/pb.md): the view is not acknowledged and
         * its primary cannot acknowledge it — it restarted with empty state, or it holds no state
         * (a backup promoted after the primary's acknowledgement wait ran out) — so the view
         * service can never change the view again.
         */
        @Override
        public String stuckByDesign() {
            ViewServiceCore vs = viewService();
            View v = vs.view();
            if (vs.acknowledged() || v.primary() == null) return null;
            boolean restarted = vs.status().details().getOrDefault("restarted", "").contains(v.primary().name());
            if (!restarted && cluster().alive(v.primary()) && server(v.primary()).synced()) return null;
            return "the primary " + v.primary() + " of view " + v.number() + " cannot acknowledge it ("
                    + (restarted ? "it restarted with empty state" : "it holds no state") + "): the view service waits for good";
        }

        /**
         * Every view a live server holds, and the view service's view once its disk holds it: a
         * view the service made in memory is shown to no one before it is durable (its replies
         * wait for the sync), so when the service crashes first, the view never existed and the
         * restarted service may number another view the same.
         */
        @Override
        public String checkSafety() {
            boolean vsDurable = cluster().alive(VIEW_SERVICE) && cluster().disk(VIEW_SERVICE).pendingOps() == 0;
            String problem = vsDurable ? recordPrimary(VIEW_SERVICE, viewService().view()) : null;
            for (NodeId id : cluster().servers()) {
                if (problem != null) return problem;
                if (cluster().alive(id)) problem = recordPrimary(id, server(id).view());
            }
            return problem;
        }

        private String recordPrimary(NodeId holder, View v) {
            if (v.primary() == null) return null;
            NodeId first = primaryOfView.putIfAbsent(v.number(), v.primary());
            if (first == null || first.equals(v.primary())) return null;
            return "two primaries of view " + v.number() + ": " + first + ", and " + v.primary() + " as " + holder
                    + " holds it";
        }

        /**
         * Synced servers holding the view service's current view. A backup still holding an older
         * view may have accepted a forward that its deposed primary never applied (the primary
         * waits for every backup, and the new primary, a former backup, refused it): it is on its
         * way to a state transfer, not a replica of the current stream.
         */
        @Override
        public SortedMap<NodeId, KvStateMachine> replicasThatMustAgree() {
            long current = viewService().view().number();
            TreeMap<NodeId, KvStateMachine> out = new TreeMap<>();
            for (NodeId id : cluster().servers()) {
                if (!cluster().alive(id)) continue;
                PbServerCore s = server(id);
                if (s.synced() && s.view().number() == current) out.put(id, s.stateMachine());
            }
            return out;
        }

        @Override
        public String notConverged() {
            if (!stable()) return "the view is not stable: " + viewService().view() + " acknowledged="
                    + viewService().acknowledged();
            View v = viewService().view();
            long applied = server(v.primary()).stateMachine().appliedCount();
            for (NodeId m : v.backups()) {
                long a = server(m).stateMachine().appliedCount();
                if (a != applied) return m + " applied " + a + " writes, the primary " + v.primary() + " " + applied;
            }
            return null;
        }

        @Override
        public SortedMap<NodeId, KvStateMachine> allReplicas() {
            TreeMap<NodeId, KvStateMachine> out = new TreeMap<>();
            for (NodeId m : viewService().view().members()) out.put(m, server(m).stateMachine());
            return out;
        }
    }
}
