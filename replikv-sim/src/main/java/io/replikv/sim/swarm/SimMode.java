package io.replikv.sim.swarm;

import java.util.List;

/**
 * A replication mode as the swarm drives it: how to build a cluster of it in the simulator, which
 * faults it is built to survive, and what must hold of it at every tick. One implementation per
 * mode lives beside this interface ({@link SimModes}); tests add broken ones to prove the swarm
 * catches them.
 */
public interface SimMode {
    /** The mode's name as the CLI spells it: single, raft, 2pc, pb. */
    String name();

    /** Server counts the swarm draws from when the run does not fix one. */
    List<Integer> nodeCounts();

    /**
     * True if the swarm may crash the mode's nodes: the mode keeps what it acknowledged on disk
     * (raft, 2pc) or on other replicas (pb). A mode that keeps nothing anywhere else (single)
     * loses its data in a crash by design; crashing it proves nothing.
     */
    boolean survivesCrashes();

    /**
     * How long a client waits for an answer before it tries again, in ticks: long enough for one
     * write of this mode on a healthy cluster (the swarm draws between this and twice this).
     */
    long clientAttemptTicks();

    /** Builds a cluster of this mode as {@code setup} says. */
    ModeCluster build(ModeSetup setup);
}
