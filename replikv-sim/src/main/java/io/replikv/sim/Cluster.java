package io.replikv.sim;

import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.util.Invariants;
import io.replikv.sim.history.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The fluent harness for scenario tests: a {@link Simulator} with servers ({@code n1..nN}), other
 * named nodes (a view service ...) and clients ({@code c1..cM}), driven by faults and client calls.
 * Indexes are 0-based: {@code server(0)} is n1, client index 0 is c1.
 *
 * <pre>{@code
 * Cluster c = Cluster.builder().seed(7).servers(3, factory).clients(2, ClientFactory.core(cfg))
 *         .network(LinkSettings.RELIABLE).build();
 * c.isolate(c.server(0));
 * Outcome o = c.call(0, Commands.put("k", "v"), 1_000);
 * }</pre>
 *
 * Everything that fails inside (a node throwing, a budget running out) names the seed and says
 * how to replay: an {@link AssertionError} for a test expectation, a {@link SimulationFailure}
 * for a node or harness fault.
 */
public final class Cluster {
    /** Where an invoked operation can be awaited. */
    public record Invocation(long operationId, NodeId client) {}

    private final Simulator sim;
    private final List<NodeId> servers;
    private final List<NodeId> clients;

    private Cluster(Simulator sim, List<NodeId> servers, List<NodeId> clients) {
        this.sim = sim;
        this.servers = List.copyOf(servers);
        this.clients = List.copyOf(clients);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The name of the server at 0-based {@code index}: n1, n2, ... */
    public static NodeId serverId(int index) {
        return NodeId.of("n" + (index + 1));
    }

    /** n1..n{count}: the names {@link Builder#servers(int, NodeFactory)} gives, for factories that need their peers. */
    public static List<NodeId> serverIds(int count) {
        List<NodeId> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) ids.add(serverId(i));
        return List.copyOf(ids);
    }

    public static NodeId clientId(int index) {
        return NodeId.of("c" + (index + 1));
    }

    // ---- access ------------------------------------------------------------------------------

    public long seed() { return sim.seed(); }
    public long now() { return sim.now(); }
    public Simulator simulator() { return sim; }
    public SimNetwork network() { return sim.network(); }
    public List<NodeId> servers() { return servers; }
    public List<NodeId> clients() { return clients; }
    public NodeId server(int index) { return servers.get(index); }
    public NodeId client(int index) { return clients.get(index); }

    /** The node's current incarnation (after a crash, the frozen dead one until it restarts). */
    public Node node(NodeId id) {
        return sim.node(id);
    }

    public <T extends Node> T node(NodeId id, Class<T> type) {
        return type.cast(sim.node(id));
    }

    public SimDisk disk(NodeId id) { return sim.disk(id); }
    public long messagesDelivered(NodeId id) { return sim.messagesDelivered(id); }
    public long messagesSent(NodeId id) { return sim.messagesSent(id); }

    /** Runs {@code check} after every tick from now on; a failure names the seed and {@code name}. */
    public Cluster afterEachTick(String name, Runnable check) {
        sim.afterEachTick(name, check);
        return this;
    }
    public boolean alive(NodeId id) { return sim.alive(id); }

    /** Every operation so far in call order; those in flight have returnTime NEVER and no outcome. */
    public List<Operation> history() { return sim.history().operations(); }

    /** The kept trace lines joined with newlines. */
    public String trace() { return sim.trace().text(); }
    public List<String> traceLines() { return sim.trace().lines(); }
    public long traceDigest() { return sim.trace().digest(); }

    /** "seed=N" plus the replay hint: for {@code .as(...)} descriptions of assertions in tests. */
    public String seedHint() {
        return "seed=" + seed() + " tick=" + now() + "; " + SimulationFailure.replayHint(seed());
    }

    // ---- faults ------------------------------------------------------------------------------

    public Cluster isolate(NodeId id) { sim.network().isolate(id); return this; }
    public Cluster reconnect(NodeId id) { sim.network().reconnect(id); return this; }
    public Cluster heal() { sim.network().heal(); return this; }
    public Cluster cut(NodeId from, NodeId to) { sim.network().cut(from, to); return this; }
    public Cluster uncut(NodeId from, NodeId to) { sim.network().uncut(from, to); return this; }
    public Cluster dropNext(NodeId from, NodeId to, int count) { sim.network().dropNext(from, to, count); return this; }
    public Cluster setUnreliable(NodeId id, boolean unreliable) { sim.network().setUnreliable(id, unreliable); return this; }
    public Cluster setLink(NodeId from, NodeId to, LinkSettings settings) { sim.network().setLink(from, to, settings); return this; }
    public Cluster crash(NodeId id) { sim.crash(id); return this; }
    /** Restarts a crashed node from its disk; a corrupt disk refuses (see {@link #restartRefusal}) and the node stays down. */
    public Cluster restart(NodeId id) { sim.restart(id); return this; }
    /** The operator's remedy for a corrupt disk: restart the crashed node with an empty disk. */
    public Cluster wipeAndRestart(NodeId id) { sim.wipeAndRestart(id); return this; }
    /** Damages record {@code record} (1-based) of the node's disk; false if there is no such record. */
    public boolean corrupt(NodeId id, long record) { return sim.corrupt(id, record); }
    /** Why the node's last restart was refused (a corrupt disk), or null. */
    public String restartRefusal(NodeId id) { return sim.restartRefusal(id); }
    public Cluster pause(NodeId id) { sim.pause(id); return this; }
    public Cluster resume(NodeId id) { sim.resume(id); return this; }

    @SafeVarargs
    public final Cluster partition(Set<NodeId>... groups) {
        sim.network().partition(groups);
        return this;
    }

    // ---- time --------------------------------------------------------------------------------

    public Cluster tick() {
        sim.tick();
        return this;
    }

    public Cluster tick(long ticks) {
        sim.run(ticks);
        return this;
    }

    /** Ticks until {@code condition} holds (checked before each tick); returns the ticks it took. */
    public long tickUntil(BooleanSupplier condition, long maxTicks) {
        return tickUntil("condition", condition, maxTicks);
    }

    /**
     * Ticks until {@code condition} holds, checking before every tick; fails with an
     * AssertionError naming the seed and {@code what} if it does not within {@code maxTicks}.
     */
    public long tickUntil(String what, BooleanSupplier condition, long maxTicks) {
        for (long used = 0; ; used++) {
            if (holds(what, condition)) return used;
            if (used >= maxTicks) throw fail("'" + what + "' did not hold within " + maxTicks + " ticks");
            sim.tick();
        }
    }

    private boolean holds(String what, BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (RuntimeException | AssertionError e) {
            if (e instanceof SimulationFailure f) throw f;
            throw new AssertionError("seed=" + seed() + " tick=" + now() + ": evaluating '" + what + "' threw " + e
                    + "\n" + SimulationFailure.replayHint(seed()), e);
        }
    }

    // ---- clients -----------------------------------------------------------------------------

    /** Starts an operation on client {@code clientIndex} (0-based) without waiting. */
    public Invocation invoke(int clientIndex, Command command) {
        return invoke(client(clientIndex), command);
    }

    public Invocation invoke(NodeId client, Command command) {
        return new Invocation(sim.invoke(client, command), client);
    }

    public boolean done(Invocation invocation) {
        return sim.history().returned(invocation.operationId());
    }

    /** The outcome of a finished invocation, or null while it is in flight. */
    public Outcome outcome(Invocation invocation) {
        return sim.history().outcome(invocation.operationId());
    }

    /** Ticks until the invocation completes and returns its outcome; fails (with the seed) after {@code maxTicks}. */
    public Outcome await(Invocation invocation, long maxTicks) {
        tickUntil("operation " + invocation.operationId() + " on " + invocation.client() + " ("
                + sim.history().operation(invocation.operationId()).command() + ") completes",
                () -> done(invocation), maxTicks);
        return outcome(invocation);
    }

    /** Invokes and runs until completion. */
    public Outcome call(int clientIndex, Command command, long maxTicks) {
        return await(invoke(clientIndex, command), maxTicks);
    }

    public Outcome call(NodeId client, Command command, long maxTicks) {
        return await(invoke(client, command), maxTicks);
    }

    /** A Get that must succeed: the value, "" for a missing key (as the original clerks return). */
    public String get(int clientIndex, String key, long maxTicks) {
        Outcome o = call(clientIndex, Commands.get(key), maxTicks);
        String value = Commands.valueOf(o);
        if (value == null) throw fail("get " + key + " ended " + o);
        return value;
    }

    /** A Put that must succeed. */
    public void put(int clientIndex, String key, String value, long maxTicks) {
        expectOk(call(clientIndex, Commands.put(key, value), maxTicks), "put " + key);
    }

    /** An Append that must succeed. */
    public void append(int clientIndex, String key, String value, long maxTicks) {
        expectOk(call(clientIndex, Commands.append(key, value), maxTicks), "append " + key);
    }

    private void expectOk(Outcome o, String what) {
        if (!(o instanceof Outcome.Ok)) throw fail(what + " ended " + o);
    }

    // ---- failing -----------------------------------------------------------------------------

    /** An AssertionError naming the seed and the tick, with the replay hint and the trace tail. */
    public AssertionError fail(String what) {
        return new AssertionError(SimulationFailure.message(seed(), now(), what,
                sim.trace().tail(SimulationFailure.TRACE_LINES_QUOTED)));
    }

    /** Runs assertions about the cluster; an AssertionError escaping them is rethrown with the seed. */
    public Cluster check(String what, Runnable assertions) {
        try {
            assertions.run();
        } catch (AssertionError e) {
            AssertionError wrapped = fail(what + ": " + e.getMessage());
            wrapped.initCause(e);
            throw wrapped;
        }
        return this;
    }

    /** Builds a {@link Cluster}. Nodes are added (and tick) in the order: servers and other nodes as declared, then clients. */
    public static final class Builder {
        private long seed = 1;
        private int traceLinesMax = Trace.LINES_MAX_DEFAULT;
        private LinkSettings network = LinkSettings.RELIABLE;
        private UnreliableSettings unreliable = UnreliableSettings.LAB;
        private DiskSettings disk = DiskSettings.IMMEDIATE;
        private final List<NodeId> serverIds = new ArrayList<>();
        private final List<NodeId> nodeIds = new ArrayList<>();
        private final List<NodeFactory> nodeFactories = new ArrayList<>();
        private int clientCount;
        private ClientFactory clientFactory;
        private List<NodeId> clientServers;

        private Builder() {}

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Adds servers n1..n{count} (continuing the numbering if called again), each built by {@code factory}. */
        public Builder servers(int count, NodeFactory factory) {
            int first = serverIds.size();
            for (int i = first; i < first + count; i++) addNode(serverId(i), factory, true);
            return this;
        }

        /** Adds a node that is not one of the servers clients talk to (a view service ...). */
        public Builder node(NodeId id, NodeFactory factory) {
            addNode(id, factory, false);
            return this;
        }

        private void addNode(NodeId id, NodeFactory factory, boolean server) {
            Invariants.check(!nodeIds.contains(id), "node %s declared twice", id);
            nodeIds.add(id);
            nodeFactories.add(factory);
            if (server) serverIds.add(id);
        }

        /** Adds clients c1..c{count}; each is told the servers (or {@link #clientServers}). */
        public Builder clients(int count, ClientFactory factory) {
            this.clientCount = count;
            this.clientFactory = factory;
            return this;
        }

        /** The nodes clients are told about, when not the servers (for example only the view service). */
        public Builder clientServers(List<NodeId> ids) {
            this.clientServers = List.copyOf(ids);
            return this;
        }

        /** The default settings of every link. */
        public Builder network(LinkSettings defaults) {
            this.network = defaults;
            return this;
        }

        public Builder unreliable(UnreliableSettings settings) {
            this.unreliable = settings;
            return this;
        }

        /** The default disk of every node. */
        public Builder disk(DiskSettings settings) {
            this.disk = settings;
            return this;
        }

        public Builder traceLinesMax(int lines) {
            this.traceLinesMax = lines;
            return this;
        }

        public Cluster build() {
            Simulator sim = new Simulator(seed, traceLinesMax);
            sim.network().setDefaults(network);
            sim.network().setUnreliableSettings(unreliable);
            sim.setDiskDefaults(disk);
            for (int i = 0; i < nodeIds.size(); i++) sim.addNode(nodeIds.get(i), nodeFactories.get(i));
            List<NodeId> known = clientServers != null ? clientServers : List.copyOf(serverIds);
            List<NodeId> clientIds = new ArrayList<>();
            for (int i = 0; i < clientCount; i++) {
                NodeId id = clientId(i);
                Invariants.check(!nodeIds.contains(id), "client name %s is taken by a node", id);
                clientIds.add(id);
                ClientFactory factory = clientFactory;
                sim.addNode(id, (nodeId, prng, storage) -> factory.create(nodeId, known, prng));
            }
            return new Cluster(sim, serverIds, clientIds);
        }
    }
}
