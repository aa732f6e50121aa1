package io.replikv.sim.raft;

import io.replikv.core.NodeId;
import io.replikv.core.raft.Proposal;
import io.replikv.core.raft.RaftConfig;
import io.replikv.core.raft.RaftCore;
import io.replikv.core.util.Prng;
import io.replikv.sim.Cluster;
import io.replikv.sim.LinkSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The 6.824 Raft tester (config.go) over the simulator, in virtual time: one tick is 10 ms, so
 * the tester's sleeps and budgets keep their original lengths (RaftElectionTimeout 1 s = 100
 * ticks, one() tries for 10 s = 1000 ticks, polls every 20 ms = 2 ticks ...). The original
 * operations keep their names: connect/disconnect (isolate/reconnect), crash1/start1 (crash and
 * restart with the durable disk), one, wait, nCommitted, checkOneLeader, checkTerms,
 * checkNoLeader, rpcTotal, bytesTotal, logSize.
 *
 * <p>Networks: "reliable" links take 0–1 tick (0–10 ms; labrpc's reliable network adds no delay,
 * but a message here needs a delivery event); "unreliable" ones lose 10 % of messages and take
 * 0–3 ticks (labrpc: 10 % of requests and 10 % of replies lost, 0–26 ms extra delay).
 */
final class RaftTester {
    static final long TICK_MS = 10;
    /** 6.824's RaftElectionTimeout: the tester's allowance for an election, 1 s. */
    static final long ELECTION_TICKS = 1000 / TICK_MS;
    static final LinkSettings RELIABLE = LinkSettings.delayed(0, 1);
    static final LinkSettings UNRELIABLE = new LinkSettings(0.10, 0, 3, 0);
    /** 6.824 counts exact log indexes (one(cmd) at index i): no election no-op. */
    static final RaftConfig CONFIG = RaftConfig.DEFAULT.withNoopOnElection(false);

    final Cluster cluster;
    final int n;
    final List<NodeId> ids;
    final Prng rand;
    private final boolean[] connected;
    private final TreeMap<NodeId, TreeMap<Long, String>> logs = new TreeMap<>();
    private long maxIndex;
    private long rpcs;
    private long bytes;
    private boolean longReordering;

    RaftTester(long seed, int n, boolean unreliable, boolean snapshot) {
        this.n = n;
        this.ids = Cluster.serverIds(n);
        this.rand = Prng.derive(seed, "tester");
        this.connected = new boolean[n];
        java.util.Arrays.fill(connected, true);
        this.cluster = Cluster.builder().seed(seed)
                .servers(n, (id, prng, storage) -> {
                    logs.put(id, new TreeMap<>());
                    return new RaftPeer(id, ids, storage, prng, CONFIG, this, snapshot);
                })
                .network(unreliable ? UNRELIABLE : RELIABLE)
                .build();
        TreeMap<Long, NodeId> leaderOfTerm = new TreeMap<>();
        cluster.afterEachTick("at most one leader per term", () -> {
            for (NodeId id : ids) {
                if (!cluster.alive(id)) continue;
                RaftCore core = cluster.node(id, RaftPeer.class).core;
                if (!core.isLeader()) continue;
                NodeId other = leaderOfTerm.putIfAbsent(core.term(), id);
                if (other != null && !other.equals(id)) {
                    throw new AssertionError("two leaders in term " + core.term() + ": " + other + " and " + id);
                }
            }
        });
    }

    // ---------------------------------------------------------------- applier checks

    void onApply(NodeId id, long index, String command) {
        if (command == null) return;
        for (var e : logs.entrySet()) {
            String other = e.getValue().get(index);
            if (other != null && !other.equals(command)) {
                throw new AssertionError("commit index=" + index + " server=" + id + " " + command + " != server="
                        + e.getKey() + " " + other);
            }
        }
        TreeMap<Long, String> mine = logs.get(id);
        if (index > 1 && !mine.containsKey(index - 1)) {
            throw new AssertionError("server " + id + " apply out of order " + index);
        }
        mine.put(index, command);
        maxIndex = Math.max(maxIndex, index);
    }

    void onSnapshot(NodeId id, long index, Map<Long, String> log) {
        TreeMap<Long, String> mine = logs.get(id);
        mine.clear();
        for (var e : log.entrySet()) onApply(id, e.getKey(), e.getValue());
        if (!mine.isEmpty() && mine.lastKey() != index) throw new AssertionError(id + ": snapshot at " + index + " ends at " + mine.lastKey());
    }

    void onRpc(int size) {
        rpcs++;
        bytes += size;
    }

    // ---------------------------------------------------------------- faults

    NodeId id(int i) {
        return ids.get(i);
    }

    RaftPeer peer(int i) {
        return cluster.node(id(i), RaftPeer.class);
    }

    RaftCore core(int i) {
        return peer(i).core;
    }

    boolean up(int i) {
        return connected[i] && cluster.alive(id(i));
    }

    void disconnect(int i) {
        connected[i] = false;
        cluster.isolate(id(i));
    }

    void connect(int i) {
        connected[i] = true;
        cluster.reconnect(id(i));
    }

    /** Disconnect, then crash: the disk keeps what was durable (6.824 copies the persister). */
    void crash1(int i) {
        disconnect(i);
        if (cluster.alive(id(i))) cluster.crash(id(i));
    }

    /** Restart from the durable disk; still disconnected until {@link #connect}. */
    void start1(int i) {
        if (cluster.alive(id(i))) crash1(i);
        cluster.restart(id(i));
    }

    boolean alive(int i) {
        return cluster.alive(id(i));
    }

    void sleepMs(long ms) {
        cluster.tick((ms + TICK_MS - 1) / TICK_MS); // rounded up: a sleep is at least as long as asked
    }

    // ---------------------------------------------------------------- checks

    int checkOneLeader() {
        for (int iters = 0; iters < 10; iters++) {
            sleepMs(450 + rand.nextInt(100));
            TreeMap<Long, List<Integer>> leaders = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                if (up(i) && core(i).isLeader()) leaders.computeIfAbsent(core(i).term(), t -> new ArrayList<>()).add(i);
            }
            for (var e : leaders.entrySet()) {
                if (e.getValue().size() > 1) throw fail("term " + e.getKey() + " has " + e.getValue().size() + " (>1) leaders");
            }
            if (!leaders.isEmpty()) return leaders.lastEntry().getValue().getFirst();
        }
        throw fail("expected one leader, got none");
    }

    long checkTerms() {
        long term = -1;
        for (int i = 0; i < n; i++) {
            if (!up(i)) continue;
            long t = core(i).term();
            if (term == -1) term = t;
            else if (term != t) throw fail("servers disagree on term");
        }
        return term;
    }

    void checkNoLeader() {
        for (int i = 0; i < n; i++) {
            if (up(i) && core(i).isLeader()) throw fail("expected no leader among connected servers, but " + id(i) + " claims to be leader");
        }
    }

    /** How many servers think the entry at {@code index} is committed, and what it is. */
    record Committed(int count, String command) {}

    Committed nCommitted(long index) {
        int count = 0;
        String command = null;
        for (int i = 0; i < n; i++) {
            String c = logs.get(id(i)).get(index);
            if (c == null) continue;
            if (count > 0 && !c.equals(command)) throw fail("committed values do not match: index " + index + ", " + command + ", " + c);
            count++;
            command = c;
        }
        return new Committed(count, command);
    }

    /**
     * 6.824's one(): for up to 10 s, tries Start at the connected servers in turn; once one accepts,
     * waits up to 2 s (polling every 20 ms) for {@code expected} servers to commit that command at
     * that index. Without {@code retry} a failed wait is fatal.
     */
    long one(String command, int expected, boolean retry) {
        long deadline = cluster.now() + 10_000 / TICK_MS;
        int starts = 0;
        while (cluster.now() < deadline) {
            long index = -1;
            for (int si = 0; si < n; si++) {
                starts = (starts + 1) % n;
                if (!up(starts)) continue;
                if (peer(starts).start(command) instanceof Proposal.Accepted a) {
                    index = a.index();
                    break;
                }
            }
            if (index != -1) {
                long t1 = cluster.now();
                while (cluster.now() - t1 < 2_000 / TICK_MS) {
                    Committed c = nCommitted(index);
                    if (c.count() > 0 && c.count() >= expected && command.equals(c.command())) return index;
                    sleepMs(20);
                }
                if (!retry) throw fail("one(" + command + ") failed to reach agreement");
            } else {
                sleepMs(50);
            }
        }
        throw fail("one(" + command + ") failed to reach agreement");
    }

    /** 6.824's wait(): until {@code count} servers committed {@code index}; null if a term passed {@code startTerm}. */
    String waitFor(long index, int count, long startTerm) {
        long to = 10;
        for (int iters = 0; iters < 30; iters++) {
            if (nCommitted(index).count() >= count) break;
            sleepMs(to);
            if (to < 1000) to *= 2;
            if (startTerm > -1) {
                for (int i = 0; i < n; i++) {
                    if (alive(i) && core(i).term() > startTerm) return null; // someone moved on: cannot expect success
                }
            }
        }
        Committed c = nCommitted(index);
        if (c.count() < count) throw fail("only " + c.count() + " decided for index " + index + "; wanted " + count);
        return c.command();
    }

    /** labrpc's long reordering: from now on servers hold back most replies for 0.2–2.2 s (see {@link RaftPeer}). */
    void setLongReordering(boolean on) {
        longReordering = on;
    }

    boolean longReordering() {
        return longReordering;
    }

    long rpcTotal() {
        return rpcs;
    }

    long bytesTotal() {
        return bytes;
    }

    /** The largest persisted Raft state (log and term/vote) of any live server, in bytes. */
    long logSize() {
        long max = 0;
        for (int i = 0; i < n; i++) if (alive(i)) max = Math.max(max, core(i).persistedStateBytes());
        return max;
    }

    long maxIndex() {
        return maxIndex;
    }

    AssertionError fail(String what) {
        return cluster.fail(what);
    }

    /** A random int command, as 6.824's rand.Int(). */
    String randomCommand() {
        return Long.toString(rand.nextLong() & Long.MAX_VALUE);
    }
}
