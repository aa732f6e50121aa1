package io.replikv.sim.raft;

import io.replikv.core.NodeId;
import io.replikv.core.client.ClientConfig;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.raft.RaftConfig;
import io.replikv.core.raft.RaftKvServer;
import io.replikv.core.util.Prng;
import io.replikv.sim.ClientFactory;
import io.replikv.sim.Cluster;
import io.replikv.sim.Commands;
import io.replikv.sim.DiskSettings;
import io.replikv.sim.LinkSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The 6.824 kvraft tester (kvraft/config.go) over the simulator, in virtual time (10 ms ticks):
 * {@link RaftKvServer}s n1..nN and {@link io.replikv.core.client.ClientCore} clerks c1..cM that
 * retry forever (operationTicksMax 0), as the original clerks do. maxraftstate maps to the
 * snapshot byte threshold (−1: never snapshot). A clerk "connected only to some servers" is a
 * client placed in that group of the partition; clerks in no group reach every server.
 */
final class KvTester {
    static final long TICK_MS = RaftTester.TICK_MS;
    /** kvraft's electionTimeout: 1 s. */
    static final long ELECTION_MS = 1000;
    /** A clerk waits 200 ms for an answer before it tries the next server, and backs off up to 100 ms after a refusal. */
    static final ClientConfig CLERK = new ClientConfig(20, 10, 0);

    final Cluster cluster;
    final int n;
    final Prng rand;
    final int maxraftstate;

    KvTester(long seed, int nservers, int nclerks, boolean unreliable, int maxraftstate) {
        this(seed, nservers, nclerks, unreliable, maxraftstate, DiskSettings.IMMEDIATE);
    }

    KvTester(long seed, int nservers, int nclerks, boolean unreliable, int maxraftstate, DiskSettings disk) {
        this.n = nservers;
        this.maxraftstate = maxraftstate;
        this.rand = Prng.derive(seed, "kv-tester");
        List<NodeId> ids = Cluster.serverIds(nservers);
        RaftConfig config = RaftConfig.DEFAULT.withSnapshotThresholds(0, maxraftstate > 0 ? maxraftstate : 0);
        this.cluster = Cluster.builder().seed(seed)
                .servers(nservers, (id, prng, storage) -> new RaftKvServer(id, ids, storage, prng, config))
                .clients(nclerks, ClientFactory.core(CLERK))
                .network(unreliable ? RaftTester.UNRELIABLE : RaftTester.RELIABLE)
                .disk(disk)
                .build();
        TreeMap<Long, NodeId> leaderOfTerm = new TreeMap<>();
        cluster.afterEachTick("at most one leader per term", () -> {
            for (NodeId id : ids) {
                if (!cluster.alive(id)) continue;
                RaftKvServer s = cluster.node(id, RaftKvServer.class);
                if (!s.core().isLeader()) continue;
                NodeId other = leaderOfTerm.putIfAbsent(s.core().term(), id);
                if (other != null && !other.equals(id)) {
                    throw new AssertionError("two leaders in term " + s.core().term() + ": " + other + " and " + id);
                }
            }
        });
    }

    NodeId server(int i) {
        return cluster.server(i);
    }

    RaftKvServer kv(int i) {
        return cluster.node(server(i), RaftKvServer.class);
    }

    void sleepMs(long ms) {
        cluster.tick((ms + TICK_MS - 1) / TICK_MS);
    }

    /** Servers {@code p1} and {@code p2} (indexes) in two groups; {@code clerksWith1/2} (client indexes) join them. */
    void partition(List<Integer> p1, List<Integer> p2, List<Integer> clerksWith1, List<Integer> clerksWith2) {
        cluster.partition(group(p1, clerksWith1), group(p2, clerksWith2));
    }

    private Set<NodeId> group(List<Integer> servers, List<Integer> clerks) {
        Set<NodeId> g = new TreeSet<>();
        for (int i : servers) g.add(server(i));
        for (int c : clerks) g.add(cluster.client(c));
        return g;
    }

    void connectAll() {
        cluster.heal();
    }

    void shutdownServer(int i) {
        if (cluster.alive(server(i))) cluster.crash(server(i));
    }

    void startServer(int i) {
        cluster.restart(server(i));
    }

    /** The leader of the highest term among live servers, or -1. */
    int leader() {
        int best = -1;
        for (int i = 0; i < n; i++) {
            if (!cluster.alive(server(i)) || !kv(i).core().isLeader()) continue;
            if (best == -1 || kv(i).core().term() > kv(best).core().term()) best = i;
        }
        return best;
    }

    /** 6.824's make_partition: a majority without the current leader, and a minority with it. */
    List<List<Integer>> makePartition() {
        int l = Math.max(0, leader());
        List<Integer> p1 = new ArrayList<>();
        List<Integer> p2 = new ArrayList<>();
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (i == l) continue;
            if (j < n / 2 + 1) p1.add(i); else p2.add(i);
            j++;
        }
        p2.add(l);
        return List.of(p1, p2);
    }

    /** The largest persisted Raft state of any live server (6.824's LogSize). */
    long logSize() {
        long max = 0;
        for (int i = 0; i < n; i++) if (cluster.alive(server(i))) max = Math.max(max, kv(i).core().persistedStateBytes());
        return max;
    }

    /** The largest snapshot of any live server (6.824's SnapshotSize). */
    long snapshotSize() {
        long max = 0;
        for (int i = 0; i < n; i++) {
            if (!cluster.alive(server(i)) || kv(i).core().snapshot() == null) continue;
            max = Math.max(max, kv(i).core().snapshot().data().length());
        }
        return max;
    }

    // ---------------------------------------------------------------- clerk operations (must succeed)

    String get(int clerk, String key) {
        Outcome o = cluster.call(clerk, Commands.get(key), 100_000);
        String v = Commands.valueOf(o);
        if (v == null) throw cluster.fail("get " + key + " ended " + o);
        return v;
    }

    void put(int clerk, String key, String value) {
        expectOk(cluster.call(clerk, Commands.put(key, value), 100_000), "put " + key);
    }

    void append(int clerk, String key, String value) {
        expectOk(cluster.call(clerk, Commands.append(key, value), 100_000), "append " + key);
    }

    void check(int clerk, String key, String value) {
        String v = get(clerk, key);
        if (!v.equals(value)) throw cluster.fail("get(" + key + "): expected:\n" + value + "\nreceived:\n" + v);
    }

    private void expectOk(Outcome o, String what) {
        if (!(o instanceof Outcome.Ok)) throw cluster.fail(what + " ended " + o);
    }

    Command appendCommand(String key, String value) {
        return Commands.append(key, value);
    }

    /** 6.824's checkClntAppends: each of the client's {@code count} appends appears in {@code v} exactly once, in order. */
    void checkClntAppends(int clnt, String v, int count) {
        int lastoff = -1;
        for (int j = 0; j < count; j++) {
            String wanted = "x " + clnt + " " + j + " y";
            int off = v.indexOf(wanted);
            if (off < 0) throw cluster.fail(clnt + " missing element " + wanted + " in Append result " + v);
            if (v.lastIndexOf(wanted) != off) throw cluster.fail("duplicate element " + wanted + " in Append result");
            if (off <= lastoff) throw cluster.fail("wrong order for element " + wanted + " in Append result");
            lastoff = off;
        }
    }

    /** Every server applies the same thing once the cluster is healed and quiet: replica agreement. */
    void checkReplicasAgree() {
        cluster.tickUntil("replicas agree", () -> {
            long applied = -1;
            long digest = 0;
            for (int i = 0; i < n; i++) {
                if (!cluster.alive(server(i))) return false;
                RaftKvServer s = kv(i);
                if (s.appliedIndex() != s.core().commitIndex()) return false;
                if (applied == -1) {
                    applied = s.appliedIndex();
                    digest = s.stateMachine().digest();
                } else if (applied != s.appliedIndex() || digest != s.stateMachine().digest()) {
                    return false;
                }
            }
            return true;
        }, 10 * ELECTION_MS / TICK_MS);
    }
}
