package io.replikv.sim.swarm;

import io.replikv.core.NodeId;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.sim.check.AgreementChecker;
import java.util.TreeMap;

/**
 * Replica digests for the agreement check after every tick, recomputed only when a replica's state
 * machine changed: every change of a {@link KvStateMachine} bumps its applied count, and a restore
 * or restart replaces the object. A digest serializes the whole state; per tick that would cost more
 * than the simulation itself.
 */
final class DigestCache {
    private record Cached(KvStateMachine stateMachine, long appliedCount, long digest) {}

    private final TreeMap<NodeId, Cached> cache = new TreeMap<>();

    AgreementChecker.ReplicaState state(NodeId replica, KvStateMachine sm) {
        Cached c = cache.get(replica);
        if (c == null || c.stateMachine() != sm || c.appliedCount() != sm.appliedCount()) {
            c = new Cached(sm, sm.appliedCount(), sm.digest());
            cache.put(replica, c);
        }
        return new AgreementChecker.ReplicaState(replica, c.appliedCount(), c.digest());
    }
}
