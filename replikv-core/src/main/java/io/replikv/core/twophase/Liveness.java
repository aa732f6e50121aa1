package io.replikv.core.twophase;

import io.replikv.core.NodeId;
import io.replikv.core.util.Invariants;
import java.util.TreeMap;

/**
 * Who is alive, from pings: a node is alive while fewer than {@code deadPings} ping intervals
 * have passed since its last ping. Pure: the owner passes the current tick. A node never heard
 * from is dead.
 */
public final class Liveness {
    private final long deadTicks;
    private final TreeMap<NodeId, Long> lastHeardTick = new TreeMap<>();

    public Liveness(long pingIntervalTicks, int deadPings) {
        Invariants.check(pingIntervalTicks > 0 && deadPings > 0, "bad liveness %d x %d", pingIntervalTicks, deadPings);
        this.deadTicks = pingIntervalTicks * deadPings;
    }

    /** How long silence lasts before a node counts as dead. */
    public long deadTicks() {
        return deadTicks;
    }

    public void heard(NodeId id, long nowTick) {
        lastHeardTick.merge(id, nowTick, Math::max);
    }

    public boolean alive(NodeId id, long nowTick) {
        Long last = lastHeardTick.get(id);
        return last != null && nowTick - last < deadTicks;
    }

    /** Forgets a node: dead until it is heard again (a restarted node's old incarnation). */
    public void forget(NodeId id) {
        lastHeardTick.remove(id);
    }
}
