package io.replikv.sim.swarm;

import io.replikv.core.NodeId;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.raft.RaftConfig;
import io.replikv.core.raft.RaftCore;
import io.replikv.core.raft.RaftKvServer;
import io.replikv.core.raft.RaftLog;
import io.replikv.sim.ClientFactory;
import io.replikv.sim.Cluster;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Mode raft: {@link RaftKvServer}s n1..nN with the default timing. Per seed the swarm may make
 * them snapshot often (so that followers catch up by InstallSnapshot). Any server may crash at any
 * time: Raft keeps term, vote and log on disk. Safety after every tick: at most one leader per
 * term; an entry, once some server counts it committed, has that term in the log of every server
 * that counts it committed; a server that becomes leader of a term holds every entry known to be
 * committed in an earlier term (Leader Completeness).
 */
public final class RaftMode implements SimMode {
    /** A write is one round trip to a majority plus a sync; 20 ticks covers several, as the kvraft tester's clerks wait. */
    static final long CLIENT_ATTEMPT_TICKS = 20;

    /** Chance per seed that the servers snapshot by log length, so InstallSnapshot and restore are exercised. */
    static final double SNAPSHOT_CHANCE = 0.5;

    /** Range of the per-seed log-entry threshold for a snapshot: small enough to compact many times a run. */
    static final long SNAPSHOT_ENTRIES_MIN = 20;
    static final long SNAPSHOT_ENTRIES_MAX = 300;

    @Override
    public String name() {
        return "raft";
    }

    @Override
    public List<Integer> nodeCounts() {
        return List.of(3, 3, 5);
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
        long snapshotEntries = setup.prng().chance(SNAPSHOT_CHANCE)
                ? setup.prng().between(SNAPSHOT_ENTRIES_MIN, SNAPSHOT_ENTRIES_MAX) : 0;
        RaftConfig config = RaftConfig.DEFAULT.withSnapshotThresholds(snapshotEntries, 0);
        List<NodeId> ids = Cluster.serverIds(setup.nodes());
        Cluster c = Cluster.builder().seed(setup.seed()).traceLinesMax(setup.traceLinesMax())
                .servers(setup.nodes(), (id, prng, storage) -> new RaftKvServer(id, ids, storage, prng, config))
                .clients(setup.clients(), ClientFactory.core(setup.client()))
                .network(setup.network()).disk(setup.disk())
                .build();
        return new RaftCluster(c);
    }

    /** A committed entry as first seen: its term, and an upper bound of the term it was committed in. */
    private record Committed(long term, long committedByTermAtMost) {}

    private static final class RaftCluster extends ModeCluster {
        private final TreeMap<Long, NodeId> leaderOfTerm = new TreeMap<>();
        private final TreeMap<Long, Committed> committed = new TreeMap<>();
        // per server: the incarnation last looked at and how far its committed prefix was checked
        private final TreeMap<NodeId, RaftKvServer> seen = new TreeMap<>();
        private final TreeMap<NodeId, Long> checkedThrough = new TreeMap<>();
        private final TreeMap<NodeId, Long> leaderChecked = new TreeMap<>();

        RaftCluster(Cluster cluster) {
            super(cluster);
        }

        private RaftKvServer server(NodeId id) {
            return cluster().node(id, RaftKvServer.class);
        }

        @Override
        public boolean mayCrash(NodeId node) {
            return true;
        }

        /** A raft server restarted empty would forget its vote and the entries it acknowledged: it stays down. */
        @Override
        public boolean wipesCorruptDisks() {
            return false;
        }

        /** A server whose corrupt disk refused its restart: it never comes back, and liveness asks nothing of it. */
        private boolean downForGood(NodeId id) {
            return cluster().restartRefusal(id) != null;
        }

        @Override
        public String checkSafety() {
            for (NodeId id : cluster().servers()) {
                if (!cluster().alive(id)) continue;
                RaftKvServer s = server(id);
                if (seen.get(id) != s) {
                    seen.put(id, s);
                    checkedThrough.put(id, 0L);
                    leaderChecked.remove(id);
                }
                String problem = checkLeader(id, s.core());
                if (problem == null) problem = checkCommitted(id, s.core());
                if (problem != null) return problem;
            }
            return null;
        }

        private String checkLeader(NodeId id, RaftCore core) {
            if (!core.isLeader()) return null;
            NodeId other = leaderOfTerm.putIfAbsent(core.term(), id);
            if (other != null && !other.equals(id)) {
                return "two leaders in term " + core.term() + ": " + other + " and " + id;
            }
            Long checkedTerm = leaderChecked.get(id);
            if (checkedTerm != null && checkedTerm == core.term()) return null;
            leaderChecked.put(id, core.term());
            // Leader Completeness: entries committed in an earlier term are in the new leader's log
            for (Map.Entry<Long, Committed> e : committed.tailMap(core.snapshotIndex(), true).entrySet()) {
                Committed c = e.getValue();
                if (c.committedByTermAtMost() >= core.term()) continue;
                long term = core.termAt(e.getKey());
                if (term != c.term()) {
                    return "leader " + id + " of term " + core.term() + " lacks committed entry " + e.getKey()
                            + " of term " + c.term() + " (its log has " + describeTerm(term) + ")";
                }
            }
            return null;
        }

        private String checkCommitted(NodeId id, RaftCore core) {
            long from = Math.max(checkedThrough.get(id), core.snapshotIndex()) + 1;
            for (long i = from; i <= core.commitIndex(); i++) {
                long term = core.termAt(i);
                Committed first = committed.putIfAbsent(i, new Committed(term, core.term()));
                if (first != null && first.term() != term) {
                    return id + " counts entry " + i + " of term " + term + " committed, but entry " + i
                            + " of term " + first.term() + " was committed before";
                }
            }
            checkedThrough.put(id, Math.max(checkedThrough.get(id), core.commitIndex()));
            return null;
        }

        private static String describeTerm(long term) {
            return term == RaftLog.UNKNOWN_TERM ? "no entry there" : "term " + term;
        }

        @Override
        public SortedMap<NodeId, KvStateMachine> replicasThatMustAgree() {
            TreeMap<NodeId, KvStateMachine> out = new TreeMap<>();
            for (NodeId id : cluster().servers()) if (cluster().alive(id)) out.put(id, server(id).stateMachine());
            return out;
        }

        @Override
        public String notConverged() {
            long commit = -1;
            for (NodeId id : cluster().servers()) {
                if (downForGood(id)) continue;
                if (!cluster().alive(id)) return id + " is down";
                RaftCore core = server(id).core();
                commit = Math.max(commit, core.commitIndex());
            }
            for (NodeId id : cluster().servers()) {
                if (downForGood(id)) continue;
                RaftKvServer s = server(id);
                if (s.appliedIndex() != commit) {
                    return id + " applied " + s.appliedIndex() + " of the " + commit + " entries committed";
                }
            }
            return null;
        }

        @Override
        public SortedMap<NodeId, KvStateMachine> allReplicas() {
            return replicasThatMustAgree();
        }

        @Override
        public String checkConverged() {
            long lastCommitted = committed.isEmpty() ? 0 : committed.lastKey();
            for (NodeId id : cluster().servers()) {
                if (downForGood(id)) continue;
                RaftCore core = server(id).core();
                if (core.commitIndex() < lastCommitted) {
                    return id + " counts only " + core.commitIndex() + " entries committed, but entry "
                            + lastCommitted + " was committed";
                }
                for (Map.Entry<Long, Committed> e : committed.tailMap(core.snapshotIndex(), false).entrySet()) {
                    long term = core.termAt(e.getKey());
                    if (term != e.getValue().term()) {
                        return "committed entry " + e.getKey() + " of term " + e.getValue().term() + " is lost at "
                                + id + " (its log has " + describeTerm(term) + ")";
                    }
                }
            }
            return null;
        }
    }
}
