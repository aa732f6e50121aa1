package io.replikv.core.raft;

import io.replikv.core.Effects;
import io.replikv.core.Envelope;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.util.Prng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * A small deterministic pump for the Raft tests in core (the real simulator lives in replikv-sim):
 * nodes, a network and disks on one thread, driven tick by tick from one seed. Messages wait a
 * seeded delay of 0..maxDelayTicks ticks and are delivered in seeded order; they can be dropped at
 * random or by partition (checked when sent and when delivered). A crash throws the node away;
 * a restart rebuilds it from its {@link MemoryStorage}, which holds exactly what was persisted
 * (the shell applies persist ops before it releases persist-after messages, as Effects requires).
 * Ids that are not nodes are clients: what is sent to them is collected.
 */
final class TestNet {
    interface Factory {
        Node create(NodeId id, MemoryStorage storage, Prng prng);
    }

    private record InFlight(long deliverAt, long order, NodeId from, NodeId to, Message message) {}

    final long seed;
    final List<NodeId> ids;
    private final Factory factory;
    private final Prng prng;
    private final TreeMap<NodeId, Node> nodes = new TreeMap<>();
    private final TreeMap<NodeId, MemoryStorage> storages = new TreeMap<>();
    private final TreeMap<NodeId, Integer> group = new TreeMap<>();
    private final List<InFlight> inFlight = new ArrayList<>();
    private final TreeMap<NodeId, List<Message>> clientInboxes = new TreeMap<>();
    private final List<Runnable> invariants = new ArrayList<>();
    private final TreeMap<String, Long> sentByType = new TreeMap<>();
    private long order;
    private int restarts;
    long now;
    double dropRate;
    int maxDelayTicks = 1;

    TestNet(long seed, int n, Factory factory) {
        this.seed = seed;
        this.factory = factory;
        this.prng = Prng.derive(seed, "net");
        List<NodeId> list = new ArrayList<>();
        for (int i = 1; i <= n; i++) list.add(NodeId.of("n" + i));
        this.ids = List.copyOf(list);
        for (NodeId id : ids) {
            storages.put(id, new MemoryStorage());
            group.put(id, 0);
            start(id);
        }
    }

    private void start(NodeId id) {
        Node node = factory.create(id, storages.get(id), Prng.derive(seed, id.name() + "/" + restarts++));
        nodes.put(id, node);
        flush(id);
    }

    Node node(NodeId id) {
        return nodes.get(id);
    }

    MemoryStorage storage(NodeId id) {
        return storages.get(id);
    }

    boolean alive(NodeId id) {
        return nodes.containsKey(id);
    }

    List<NodeId> live() {
        return List.copyOf(nodes.keySet());
    }

    /** Runs after every delivery and tick: a failure names the seed. */
    void addInvariant(Runnable check) {
        invariants.add(check);
    }

    // ---------------------------------------------------------------- faults

    void crash(NodeId id) {
        nodes.remove(id);
    }

    void restart(NodeId id) {
        nodes.remove(id);
        start(id);
    }

    /** Cuts {@code ids} off from everyone else (they still reach each other). */
    void isolate(NodeId... cut) {
        int g = 1 + group.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        for (NodeId id : cut) group.put(id, g);
    }

    /** Puts each listed group in its own partition. */
    void partition(List<List<NodeId>> groups) {
        for (int g = 0; g < groups.size(); g++) for (NodeId id : groups.get(g)) group.put(id, g + 100);
    }

    void heal() {
        for (NodeId id : ids) group.put(id, 0);
    }

    boolean connected(NodeId a, NodeId b) {
        Integer ga = group.get(a);
        Integer gb = group.get(b);
        return ga == null || gb == null || ga.equals(gb); // clients reach every server
    }

    // ---------------------------------------------------------------- running

    /** Injects a message from {@code from} (a client, usually). */
    void send(NodeId from, NodeId to, Message m) {
        enqueue(from, to, m);
    }

    List<Message> clientInbox(NodeId client) {
        return clientInboxes.computeIfAbsent(client, c -> new ArrayList<>());
    }

    long sent(String type) {
        return sentByType.getOrDefault(type, 0L);
    }

    void tick() {
        now++;
        for (NodeId id : List.copyOf(nodes.keySet())) {
            nodes.get(id).onTick();
            flush(id);
            checkInvariants();
        }
        deliverDue();
    }

    void ticks(long n) {
        for (long i = 0; i < n; i++) tick();
    }

    /** Ticks until {@code done} holds, at most {@code ticksMax} ticks; true if it came to hold. */
    boolean runUntil(BooleanSupplier done, long ticksMax) {
        for (long i = 0; i < ticksMax; i++) {
            if (done.getAsBoolean()) return true;
            tick();
        }
        return done.getAsBoolean();
    }

    /** Delivers everything due now, including what those deliveries send with no delay. */
    void deliverDue() {
        while (true) {
            List<InFlight> due = new ArrayList<>();
            for (InFlight f : inFlight) if (f.deliverAt() <= now) due.add(f);
            if (due.isEmpty()) return;
            inFlight.removeAll(due);
            for (int i = due.size() - 1; i > 0; i--) { // seeded shuffle: delivery order is part of the run
                int j = prng.nextInt(i + 1);
                InFlight t = due.get(i);
                due.set(i, due.get(j));
                due.set(j, t);
            }
            for (InFlight f : due) deliver(f);
        }
    }

    private void deliver(InFlight f) {
        if (!ids.contains(f.to())) {
            clientInbox(f.to()).add(f.message());
            return;
        }
        Node node = nodes.get(f.to());
        if (node == null || !connected(f.from(), f.to())) return;
        node.onMessage(f.from(), f.message());
        flush(f.to());
        checkInvariants();
    }

    /** Drains a node after the test acted on it directly (a proposal, a read, a transfer). */
    void flushNow(NodeId id) {
        flush(id);
        checkInvariants();
    }

    private void flush(NodeId id) {
        Effects effects = nodes.get(id).drain();
        for (Envelope e : effects.send()) enqueue(id, e.to(), e.message());
        MemoryStorage storage = storages.get(id);
        for (PersistOp op : effects.persist()) storage.apply(op);
        storage.sync();
        for (Envelope e : effects.sendAfterPersist()) enqueue(id, e.to(), e.message());
    }

    private void enqueue(NodeId from, NodeId to, Message m) {
        sentByType.merge(m.getClass().getSimpleName(), 1L, Long::sum);
        if (!connected(from, to)) return;
        if (ids.contains(from) && ids.contains(to) && prng.chance(dropRate)) return;
        long delay = maxDelayTicks == 0 ? 0 : prng.nextInt(maxDelayTicks + 1);
        inFlight.add(new InFlight(now + delay, order++, from, to, m));
    }

    private void checkInvariants() {
        for (Runnable r : invariants) {
            try {
                r.run();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("invariant failed at tick " + now + " (seed " + seed + "): " + e.getMessage(), e);
            }
        }
    }

    Map<NodeId, Node> nodes() {
        return nodes;
    }

    /** The groups of the current partition, for assertions. */
    TreeSet<NodeId> reachableFrom(NodeId id) {
        TreeSet<NodeId> out = new TreeSet<>();
        for (NodeId other : ids) if (connected(id, other)) out.add(other);
        return out;
    }
}
