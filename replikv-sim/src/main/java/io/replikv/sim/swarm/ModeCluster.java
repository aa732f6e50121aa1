package io.replikv.sim.swarm;

import io.replikv.core.NodeId;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.sim.Cluster;
import java.util.List;
import java.util.SortedMap;

/**
 * One cluster of a mode, built for one seed, with what the swarm asks of it: which nodes it may
 * crash now, the mode's safety checks after every tick, which replicas must agree now, and when it
 * has converged after the faults stopped.
 */
public abstract class ModeCluster {
    private final Cluster cluster;

    protected ModeCluster(Cluster cluster) {
        this.cluster = cluster;
    }

    public final Cluster cluster() {
        return cluster;
    }

    /** Nodes besides the servers that the swarm may fault (a view service), in a fixed order. */
    public List<NodeId> extraNodes() {
        return List.of();
    }

    /**
     * True if crashing {@code node} now stays within the faults the mode is built to survive (for
     * example, 2pc needs one replica of the installed view that never restarted). Only asked
     * about live nodes, and only of modes that {@link SimMode#survivesCrashes()}.
     */
    public abstract boolean mayCrash(NodeId node);

    /**
     * True if crashing every node at once now stays within the faults the mode is built to survive.
     * By default always (the whole-cluster crash is deferred tick by tick while this is false).
     */
    public boolean mayCrashEveryone() {
        return true;
    }

    /**
     * True if the swarm may make {@code node}'s disk corrupt now (and crash it): after the node's
     * restart is refused, either the mode restarts it empty ({@link #wipesCorruptDisks()}) and
     * another node must hold everything it had acknowledged, or it stays down for good. By default,
     * whenever it may crash.
     */
    public boolean mayLoseDisk(NodeId node) {
        return mayCrash(node);
    }

    /**
     * True if a server whose corrupt disk refused its restart may be restarted with an empty disk
     * (the operator's remedy, docs/durability.md): the mode's servers restart empty under its
     * original semantics (pb, 2pc). False for raft: a node restarted empty forgets its vote and the
     * entries it acknowledged, so it stays down for good.
     */
    public boolean wipesCorruptDisks() {
        return true;
    }

    /**
     * True if pausing {@code node} stays within the faults the mode is built to survive. A paused
     * node's ticks stop, so its clock stops: a node that serves reads on a lease measured in its own
     * ticks (a 2pc replica) assumes bounded clock drift, and a frozen clock is unbounded drift.
     */
    public boolean mayPause(NodeId node) {
        return true;
    }

    /**
     * The mode's own safety checks (at most one leader per term, committed entries never lost ...),
     * run after every tick: null if they hold, else what broke.
     */
    public abstract String checkSafety();

    /**
     * The state machines of the replicas whose states must agree right now (replicas at the same
     * applied count must be equal), by replica. A mode leaves out replicas that may legitimately
     * hold state nobody else will (a 2pc replica on its way out of the view).
     */
    public abstract SortedMap<NodeId, KvStateMachine> replicasThatMustAgree();

    /**
     * After the faults stopped and the clients finished: null once every replica has caught up
     * with the rest (so all of them must hold equal states), else what the cluster still waits for.
     */
    public abstract String notConverged();

    /** Every replica's state machine, once converged: all must be equal. */
    public abstract SortedMap<NodeId, KvStateMachine> allReplicas();

    /**
     * After the faults stopped and progress did not come: null, or why the mode's design cannot
     * make progress from here (pb's view service waits forever for a primary that cannot
     * acknowledge its view, as the original design does). The swarm then waives the liveness
     * requirement for the seed, says so in its verdict, and still checks the history.
     */
    public String stuckByDesign() {
        return null;
    }

    /** Checks that need the converged cluster (every committed entry still in every log ...): null if they hold. */
    public String checkConverged() {
        return null;
    }
}
