package io.replikv.core.raft;

import io.replikv.core.NodeId;
import io.replikv.core.util.Bytes;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * Raft cores on a {@link TestNet}, with the checks every test wants always on: at most one leader
 * per term (Election Safety) and every index applied with the same entry everywhere (State
 * Machine Safety, via {@link CoreNode}).
 */
final class RaftCluster {
    final TestNet net;
    final RaftConfig config;
    final TreeMap<Long, LogEntry> committed = new TreeMap<>();
    private final TreeMap<Long, NodeId> leaderOfTerm = new TreeMap<>();

    RaftCluster(long seed, int n, RaftConfig config, long snapshotEvery) {
        this.config = config;
        List<NodeId> members = java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> NodeId.of("n" + i)).toList();
        this.net = new TestNet(seed, n, (id, storage, prng) ->
                new CoreNode(id, members, storage, prng, config, snapshotEvery, committed));
        net.addInvariant(this::checkElectionSafety);
    }

    RaftCluster(long seed, int n, RaftConfig config) {
        this(seed, n, config, 0);
    }

    private void checkElectionSafety() {
        for (NodeId id : net.live()) {
            RaftCore c = core(id);
            if (!c.isLeader()) continue;
            NodeId previous = leaderOfTerm.putIfAbsent(c.term(), id);
            if (previous != null && !previous.equals(id)) {
                throw new AssertionError("two leaders in term " + c.term() + ": " + previous + " and " + id);
            }
        }
    }

    CoreNode node(NodeId id) {
        return (CoreNode) net.node(id);
    }

    RaftCore core(NodeId id) {
        return node(id).core;
    }

    static NodeId n(int i) {
        return NodeId.of("n" + i);
    }

    /** The one leader of the highest term among {@code among} (live ones), or null if none or several claim it. */
    NodeId leaderAmong(Collection<NodeId> among) {
        NodeId best = null;
        long bestTerm = -1;
        boolean tie = false;
        for (NodeId id : among) {
            if (!net.alive(id) || !core(id).isLeader()) continue;
            long t = core(id).term();
            if (t > bestTerm) {
                best = id;
                bestTerm = t;
                tie = false;
            } else if (t == bestTerm) {
                tie = true;
            }
        }
        return tie ? null : best;
    }

    /** Ticks until the nodes in {@code among} have one leader that all of them follow; returns it, or null. */
    NodeId awaitLeader(Collection<NodeId> among, long ticksMax) {
        NodeId[] found = new NodeId[1];
        boolean ok = net.runUntil(() -> {
            NodeId l = leaderAmong(among);
            if (l == null) return false;
            for (NodeId id : among) {
                if (net.alive(id) && !l.equals(core(id).leader())) return false;
            }
            found[0] = l;
            return true;
        }, ticksMax);
        return ok ? found[0] : null;
    }

    NodeId awaitLeader(long ticksMax) {
        return awaitLeader(net.live(), ticksMax);
    }

    /** Proposes at {@code id} and lets its effects out at once. */
    Proposal propose(NodeId id, String payload) {
        Proposal p = core(id).propose(Bytes.of(payload));
        node(id).pump();
        net.flushNow(id);
        return p;
    }

    /** Registers a read at {@code id} and lets its effects out at once. */
    void requestRead(NodeId id, long readId) {
        core(id).requestRead(readId);
        node(id).pump();
        net.flushNow(id);
    }

    /** How many live nodes applied {@code payload} at {@code index}. */
    int appliedCount(long index, String payload) {
        int n = 0;
        for (NodeId id : net.live()) {
            LogEntry e = node(id).applied.get(index);
            if (e != null && !e.noop() && e.payload().utf8().equals(payload)) n++;
        }
        return n;
    }

    /**
     * 6.824's one(): keeps proposing {@code payload} at whichever live node leads until {@code servers}
     * nodes have applied it at the index it got, within {@code ticksMax}; returns the index or -1.
     */
    long one(String payload, int servers, long ticksMax) {
        long deadline = net.now + ticksMax;
        while (net.now < deadline) {
            long index = -1;
            for (NodeId id : net.live()) {
                if (core(id).isLeader()) {
                    Proposal p = propose(id, payload);
                    if (p instanceof Proposal.Accepted a) {
                        index = a.index();
                        break;
                    }
                }
            }
            if (index > 0) {
                long idx = index;
                long waitUntil = Math.min(deadline, net.now + 2 * config.electionTimeoutTicks() + 40);
                if (net.runUntil(() -> appliedCount(idx, payload) >= servers, waitUntil - net.now)) return idx;
            } else {
                net.ticks(5);
            }
        }
        return -1;
    }
}
