package io.replikv.core.pb;

import io.replikv.core.Completion;
import io.replikv.core.Effects;
import io.replikv.core.Envelope;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.client.Outcome;
import io.replikv.core.util.Prng;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A tiny deterministic driver for cores, for unit tests before the simulator: every tick ticks
 * every live node, then delivers every message in flight in a seeded random order (zero latency,
 * reordering within a tick), dropping each with a seeded chance and everything on cut links or to
 * crashed nodes. Not the simulator: no delays, no disks.
 */
final class Pump {
    record Sent(NodeId from, NodeId to, Message message) {}

    private final Prng prng;
    private final Map<NodeId, Node> nodes = new LinkedHashMap<>();
    private final TreeSet<NodeId> crashed = new TreeSet<>();
    private final List<Predicate<Sent>> cuts = new ArrayList<>();
    private final List<Sent> inFlight = new ArrayList<>();
    private final List<Sent> delivered = new ArrayList<>();
    private final TreeMap<Long, Outcome> completions = new TreeMap<>();
    private double dropRate;
    private long now;

    Pump(long seed) {
        this.prng = new Prng(seed);
    }

    <T extends Node> T add(T node) {
        nodes.put(node.id(), node);
        crashed.remove(node.id());
        collect(node);
        return node;
    }

    @SuppressWarnings("unchecked")
    <T extends Node> T node(NodeId id) {
        return (T) nodes.get(id);
    }

    Pump dropRate(double rate) {
        this.dropRate = rate;
        return this;
    }

    /** Drops every message the predicate matches, until {@link #heal()}. */
    Pump cut(Predicate<Sent> which) {
        cuts.add(which);
        return this;
    }

    Pump cutBetween(NodeId a, NodeId b) {
        return cut(s -> (s.from().equals(a) && s.to().equals(b)) || (s.from().equals(b) && s.to().equals(a)));
    }

    Pump heal() {
        cuts.clear();
        return this;
    }

    Pump crash(NodeId id) {
        crashed.add(id);
        return this;
    }

    boolean crashed(NodeId id) {
        return crashed.contains(id);
    }

    long now() {
        return now;
    }

    /** Injects a message as if {@code from} had sent it. */
    void send(NodeId from, NodeId to, Message message) {
        inFlight.add(new Sent(from, to, message));
    }

    /** Every message delivered so far, in order. */
    List<Sent> delivered() {
        return delivered;
    }

    Map<Long, Outcome> completions() {
        return completions;
    }

    void tick() {
        now++;
        for (Node n : nodes.values()) {
            if (crashed.contains(n.id())) continue;
            n.onTick();
            collect(n);
        }
        deliverAll();
    }

    void tick(long ticks) {
        for (long i = 0; i < ticks; i++) tick();
    }

    /** Ticks until the condition holds; false if it did not within {@code maxTicks}. */
    boolean tickUntil(BooleanSupplier condition, long maxTicks) {
        for (long i = 0; i < maxTicks; i++) {
            if (condition.getAsBoolean()) return true;
            tick();
        }
        return condition.getAsBoolean();
    }

    void deliverAll() {
        int steps = 0;
        while (!inFlight.isEmpty()) {
            if (++steps > 1_000_000) throw new IllegalStateException("message storm");
            Sent s = inFlight.remove(prng.nextInt(inFlight.size()));
            Node to = nodes.get(s.to());
            if (crashed.contains(s.to()) || crashed.contains(s.from())) continue;
            if (cuts.stream().anyMatch(c -> c.test(s)) || prng.chance(dropRate)) continue;
            delivered.add(s); // to a node not in the pump too: the test plays that node
            if (to == null) continue;
            to.onMessage(s.from(), s.message());
            collect(to);
        }
    }

    private void collect(Node n) {
        Effects e = n.drain();
        for (Envelope env : e.send()) inFlight.add(new Sent(n.id(), env.to(), env.message()));
        for (Envelope env : e.sendAfterPersist()) inFlight.add(new Sent(n.id(), env.to(), env.message()));
        for (Completion c : e.completions()) completions.put(c.operationId(), c.outcome());
    }
}
