package io.replikv.sim.twophase;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.codec.Codec;
import io.replikv.core.raft.RaftConfig;
import io.replikv.core.replicated.ReplicatedConfig;
import io.replikv.core.replicated.ReplicatedNode;
import io.replikv.core.client.ClientConfig;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.twophase.GroupViewCore;
import io.replikv.core.twophase.TwoPcConfig;
import io.replikv.core.twophase.TwoPcReplicaCore;
import io.replikv.sim.ClientFactory;
import io.replikv.sim.Cluster;
import io.replikv.sim.Commands;
import io.replikv.sim.LinkSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Builds 2pc clusters (replicas n1..nN, the group view service — one node "vs", or three members
 * vs1..vs3 of a {@link ReplicatedNode} group — and clients) and drives workloads on them.
 */
final class TwoPcHarness {
    static final NodeId VS = NodeId.of("vs");

    /** How the group view service runs: one process, or replicated over three members. */
    enum Vs { SINGLE, REPLICATED }

    /** The members of the replicated group view service, three by default. */
    static final List<NodeId> VS_MEMBERS = vsMemberIds(3);

    static List<NodeId> vsMemberIds(int count) {
        List<NodeId> ids = new ArrayList<>();
        for (int i = 1; i <= count; i++) ids.add(NodeId.of("vs" + i));
        return List.copyOf(ids);
    }

    /** Raft timing of the replicated view service: the defaults (elections after 30..60 ticks). */
    static final RaftConfig VS_RAFT = RaftConfig.DEFAULT;

    /**
     * Batching as in production, and a compaction every 200 entries: often enough that runs restart
     * the inner copies many times, rarely enough that the restarts (which reset the failure detector)
     * leave the 20-tick dead time room to drop a dead replica (about 200 ticks between compactions).
     */
    static final ReplicatedConfig VS_REPLICATED = ReplicatedConfig.DEFAULT.withCompactionIntervalEntries(200);

    /** Fast timing for tests: a ping every 5 ticks, dead after 4 missed (20 ticks). */
    static final TwoPcConfig CONFIG = new TwoPcConfig(5, 4, 20, 10, 10, 8, 64, 256);

    /** Clients wait 40 ticks for an answer (a write with retries under conflict fits), back off up to 10. */
    static final ClientConfig CLIENT = new ClientConfig(40, 10, 0);

    private TwoPcHarness() {}

    static Cluster.Builder builder(long seed, int replicas, int clients) {
        return builder(Vs.SINGLE, seed, replicas, clients);
    }

    static Cluster.Builder builder(Vs vs, long seed, int replicas, int clients) {
        if (vs == Vs.REPLICATED) return replicatedBuilder(seed, replicas, clients, VS_MEMBERS.size(), VS_REPLICATED);
        List<NodeId> peers = Cluster.serverIds(replicas);
        return Cluster.builder().seed(seed)
                .clients(clients, ClientFactory.core(CLIENT))
                .network(LinkSettings.RELIABLE)
                .servers(replicas, (id, prng, storage) -> new TwoPcReplicaCore(id, peers, VS, CONFIG, prng, storage))
                .node(VS, (id, prng, storage) -> new GroupViewCore(id, peers, CONFIG, storage));
    }

    /** A cluster whose group view service is replicated over {@code vsMembers} members vs1..vsN. */
    static Cluster.Builder replicatedBuilder(long seed, int replicas, int clients, int vsMembers, ReplicatedConfig config) {
        List<NodeId> peers = Cluster.serverIds(replicas);
        List<NodeId> members = vsMemberIds(vsMembers);
        Cluster.Builder b = Cluster.builder().seed(seed)
                .clients(clients, ClientFactory.core(CLIENT))
                .network(LinkSettings.RELIABLE)
                .servers(replicas, (id, prng, storage) -> new TwoPcReplicaCore(id, peers, members, CONFIG, prng, storage));
        for (NodeId m : members) {
            b.node(m, (id, prng, storage) -> new ReplicatedNode(id, members, storage, prng, VS_RAFT, Codec.standard(),
                    inner -> new GroupViewCore(VS, peers, CONFIG, inner), config));
        }
        return b;
    }

    /** A started cluster whose first view holds every replica. */
    static Cluster start(long seed, int replicas, int clients) {
        return start(Vs.SINGLE, seed, replicas, clients);
    }

    static Cluster start(Vs vs, long seed, int replicas, int clients) {
        Cluster c = builder(vs, seed, replicas, clients).build();
        awaitView(c, c.servers(), vs == Vs.SINGLE ? 500 : 1_000);
        return c;
    }

    /** The nodes of the group view service: "vs", or the replicated members. */
    static List<NodeId> vsNodes(Cluster c) {
        if (c.simulator().nodes().contains(VS)) return List.of(VS);
        return c.simulator().nodes().stream().filter(n -> n.name().matches("vs[0-9]+")).sorted().toList();
    }

    /** The live member of the replicated view service that has applied most (the leader on ties), or null. */
    static ReplicatedNode vsLeader(Cluster c) {
        ReplicatedNode best = null;
        for (NodeId m : vsNodes(c)) {
            if (!c.alive(m)) continue;
            ReplicatedNode n = c.node(m, ReplicatedNode.class);
            if (best == null || n.appliedIndex() > best.appliedIndex()
                    || n.appliedIndex() == best.appliedIndex() && n.isLeader()) {
                best = n;
            }
        }
        return best;
    }

    static TwoPcReplicaCore replica(Cluster c, NodeId id) {
        return c.node(id, TwoPcReplicaCore.class);
    }

    /**
     * The group view service: the single node, or the copy of the replicated member that applied
     * most (with every member crashed, the last copy of the first member: it still holds the view).
     */
    static GroupViewCore viewService(Cluster c) {
        if (c.simulator().nodes().contains(VS)) return c.node(VS, GroupViewCore.class);
        ReplicatedNode best = vsLeader(c);
        Node inner = best != null ? best.inner() : c.node(vsNodes(c).getFirst(), ReplicatedNode.class).inner();
        return (GroupViewCore) inner;
    }

    /** Ticks until the installed view has exactly {@code members} and each of them installed it. */
    static void awaitView(Cluster c, List<NodeId> members, long maxTicks) {
        c.tickUntil("view with exactly " + members, () -> {
            var v = viewService(c).view();
            if (!v.members().equals(members.stream().sorted().toList())) return false;
            for (NodeId m : members) {
                TwoPcReplicaCore r = replica(c, m);
                if (!c.alive(m) || !r.member() || r.view().number() != v.number()) return false;
            }
            return true;
        }, maxTicks);
    }

    /** Every live replica of the current view has the same state digest (data + session table). */
    static void assertAgreement(Cluster c) {
        var members = viewService(c).view().members();
        Map<NodeId, Long> digests = new TreeMap<>();
        for (NodeId m : members) digests.put(m, replica(c, m).stateMachine().digest());
        c.check("replicas of view " + viewService(c).view().number() + " agree", () ->
                assertThat(digests.values().stream().distinct().count()).as("digests %s", digests).isEqualTo(1));
    }

    /**
     * Keeps every client busy with its next operation until each ran {@code perClient}; returns the
     * outcomes per client in order. {@code op.apply(clientIndex).apply(i)} is the client's i-th command.
     */
    static Map<Integer, List<Outcome>> runClosedLoop(Cluster c, int perClient, IntFunction<IntFunction<Command>> op,
                                                     long maxTicks) {
        ClosedLoop loop = new ClosedLoop(c, perClient, op);
        c.tickUntil(c.clients().size() + " clients run " + perClient + " operations each", loop::pump, maxTicks);
        return loop.outcomes();
    }

    /** Clients each running a sequence of operations, one at a time; {@link #pump} between ticks. */
    static final class ClosedLoop {
        private final Cluster c;
        private final int perClient;
        private final IntFunction<IntFunction<Command>> op;
        private final Map<Integer, List<Outcome>> outcomes = new LinkedHashMap<>();
        private final List<Cluster.Invocation> current = new ArrayList<>();

        ClosedLoop(Cluster c, int perClient, IntFunction<IntFunction<Command>> op) {
            this.c = c;
            this.perClient = perClient;
            this.op = op;
            for (int i = 0; i < c.clients().size(); i++) {
                outcomes.put(i, new ArrayList<>());
                current.add(null);
            }
        }

        /** Collects finished operations, starts the next ones; true once every client ran all of its operations. */
        boolean pump() {
            boolean allDone = true;
            for (int i = 0; i < current.size(); i++) {
                Cluster.Invocation inv = current.get(i);
                if (inv != null && c.done(inv)) {
                    outcomes.get(i).add(c.outcome(inv));
                    current.set(i, null);
                }
                if (current.get(i) == null && outcomes.get(i).size() < perClient) {
                    current.set(i, c.invoke(i, op.apply(i).apply(outcomes.get(i).size())));
                }
                allDone &= outcomes.get(i).size() == perClient;
            }
            return allDone;
        }

        int completed() {
            return outcomes.values().stream().mapToInt(List::size).sum();
        }

        Map<Integer, List<Outcome>> outcomes() {
            return outcomes;
        }
    }

    /** The 6.824 append checker: each client's elements "x c i y" appear exactly once, in order. */
    static void checkAppends(Cluster c, String value, int clients, int perClient) {
        c.check("append checker", () -> {
            for (int ci = 0; ci < clients; ci++) {
                int last = -1;
                for (int i = 0; i < perClient; i++) {
                    String element = element(ci, i);
                    int at = value.indexOf(element);
                    assertThat(at).as("%s present in %s", element, value).isGreaterThanOrEqualTo(0);
                    assertThat(value.indexOf(element, at + 1)).as("%s appended twice", element).isEqualTo(-1);
                    assertThat(at).as("%s out of order", element).isGreaterThan(last);
                    last = at;
                }
            }
        });
    }

    static String element(int client, int i) {
        return "x " + client + " " + i + " y";
    }

    static Command appendElement(String key, int client, int i) {
        return Commands.append(key, element(client, i));
    }
}
