package io.replikv.sim;

import io.replikv.core.Completion;
import io.replikv.core.Effects;
import io.replikv.core.Envelope;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.client.ClientNode;
import io.replikv.core.kv.Command;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.Prng;
import io.replikv.sim.history.History;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The deterministic simulator: every node, the network and the disks on one thread, in virtual
 * time, from one seed. Events (message arrivals, sync completions) wait in a queue ordered by
 * (tick, insertion number). One {@link #tick()}: advance the clock, process the events due, give
 * every live, unpaused node {@code onTick()} in the order the nodes were added, then process the
 * events that became due meanwhile (zero-delay messages). After every input to a node its effects
 * are drained and acted on as {@link Effects} says: sends go into the {@link SimNetwork}, persist
 * ops onto the node's {@link SimDisk} followed by a sync (at once, or after a disk delay — the
 * {@code sendAfterPersist} messages leave only when it completes), completions into the
 * {@link History}. Randomness: independent streams derived from the seed per purpose ("network",
 * "node/ID/RESTARTS", "disk/ID", "disk-delay/ID"), so the same seed replays byte for byte.
 */
public final class Simulator {
    /**
     * Events processed within one tick at most. A run that exceeds it is livelocked (for example
     * two nodes ping-ponging zero-delay messages) and fails the seed rather than hanging.
     */
    public static final int EVENTS_PER_TICK_MAX = 1_000_000;

    private sealed interface Event permits Delivery, SyncDone {}

    private record Delivery(long number, NodeId from, NodeId to, long incarnation, Message message) implements Event {}

    private record SyncDone(NodeId node, PendingSync sync) implements Event {}

    private record Scheduled(long time, long seq, Event event) {}

    private record Held(long number, Envelope envelope, NodeId replyLostTo) {}

    private record Observer(String name, Runnable check) {}

    /** A sync requested and not yet complete, with the messages waiting for it. */
    private static final class PendingSync {
        final long incarnation;
        final long targetOps;
        final List<Held> held;

        PendingSync(long incarnation, long targetOps, List<Held> held) {
            this.incarnation = incarnation;
            this.targetOps = targetOps;
            this.held = held;
        }
    }

    private static final class Slot {
        final NodeId id;
        final NodeFactory factory;
        final SimDisk disk;
        final Prng diskDelayPrng;
        final ArrayDeque<Event> pausedInbox = new ArrayDeque<>();
        DiskSettings diskSettings;
        Node node;
        boolean alive;
        boolean paused;
        long incarnation;
        int restarts;
        String refusal;
        PendingSync lastSync;
        long lastSyncTime;
        long sent;
        long delivered;

        Slot(NodeId id, NodeFactory factory, SimDisk disk, Prng diskDelayPrng) {
            this.id = id;
            this.factory = factory;
            this.disk = disk;
            this.diskDelayPrng = diskDelayPrng;
        }
    }

    private static final Comparator<Scheduled> ORDER =
            Comparator.comparingLong(Scheduled::time).thenComparingLong(Scheduled::seq);

    private final long seed;
    private final Trace trace;
    private final SimNetwork network;
    private final History history = new History();
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>(ORDER);
    private final LinkedHashMap<NodeId, Slot> slots = new LinkedHashMap<>();
    private final LinkedHashMap<Long, NodeId> operationClients = new LinkedHashMap<>();
    private final List<Observer> observers = new ArrayList<>();
    private DiskSettings diskDefaults = DiskSettings.IMMEDIATE;
    private long now;
    private long seq;
    private long messages;
    private long operations;
    private long eventsThisTick;

    public Simulator(long seed) {
        this(seed, Trace.LINES_MAX_DEFAULT);
    }

    public Simulator(long seed, int traceLinesMax) {
        this.seed = seed;
        this.trace = new Trace(traceLinesMax);
        this.network = new SimNetwork(Prng.derive(seed, "network"), trace, () -> now);
    }

    public long seed() {
        return seed;
    }

    /** The current tick: 0 before the first {@link #tick()}. */
    public long now() {
        return now;
    }

    public SimNetwork network() {
        return network;
    }

    public Trace trace() {
        return trace;
    }

    public History history() {
        return history;
    }

    /** The disk settings of every node that has none of its own. */
    public void setDiskDefaults(DiskSettings settings) {
        diskDefaults = settings;
        for (Slot s : slots.values()) s.disk.setTearOnCrash(settings(s).tearOnCrash());
        trace.add(now, "disk-defaults", settings.toString());
    }

    public void setDisk(NodeId id, DiskSettings settings) {
        Slot s = slot(id);
        s.diskSettings = settings;
        s.disk.setTearOnCrash(settings.tearOnCrash());
        trace.add(now, "disk", id + " " + settings);
    }

    /** Adds a node and starts it (from an empty disk). Nodes tick in the order they were added. */
    public void addNode(NodeId id, NodeFactory factory) {
        Invariants.check(!slots.containsKey(id), "node %s added twice", id);
        SimDisk disk = new SimDisk(Prng.derive(seed, "disk/" + id), diskDefaults.tearOnCrash());
        Slot s = new Slot(id, factory, disk, Prng.derive(seed, "disk-delay/" + id));
        slots.put(id, s);
        trace.add(now, "add", id.toString());
        start(s);
    }

    /** Every node ever added, in the order they were added (the tick order). */
    public List<NodeId> nodes() {
        return List.copyOf(slots.keySet());
    }

    public boolean alive(NodeId id) {
        return slot(id).alive;
    }

    public boolean paused(NodeId id) {
        return slot(id).paused;
    }

    /** The node's current incarnation; after a crash, the dead incarnation (frozen) until a restart. */
    public Node node(NodeId id) {
        return slot(id).node;
    }

    public SimDisk disk(NodeId id) {
        return slot(id).disk;
    }

    /** Messages handed to the node ({@code onMessage} calls), over all its incarnations: RPC counts. */
    public long messagesDelivered(NodeId id) {
        return slot(id).delivered;
    }

    /** Messages the node sent (including ones the network then lost), over all its incarnations. */
    public long messagesSent(NodeId id) {
        return slot(id).sent;
    }

    /**
     * Runs {@code check} at the end of every tick (for invariants that must hold throughout, such
     * as replica agreement); a check that throws fails the seed, naming {@code name}.
     */
    public void afterEachTick(String name, Runnable check) {
        observers.add(new Observer(name, check));
    }

    /** How many times the node was restarted. */
    public int restarts(NodeId id) {
        return slot(id).restarts;
    }

    /**
     * Crashes a node: it gets no more ticks or messages, messages in flight to it are discarded
     * when they arrive, messages waiting for its syncs are never sent, and its disk loses what was
     * not synced. Messages it already sent stay in flight.
     */
    public void crash(NodeId id) {
        Slot s = slot(id);
        if (!s.alive) return;
        s.alive = false;
        s.paused = false;
        s.pausedInbox.clear();
        s.lastSync = null;
        s.lastSyncTime = 0;
        s.incarnation++;
        int lost = s.disk.crash();
        trace.add(now, "crash", id + " lost-ops=" + lost);
    }

    /**
     * Builds a new node from the factory with the disk's durable state, after the disk's recovery
     * ({@link SimDisk#recover}) has cut a torn last record. If the disk holds a corrupt record before
     * its last one, the restart is refused as production refuses it: the node stays down, the trace
     * says why ({@code restart-refused}), and {@link #restartRefusal} keeps the message until
     * {@link #wipeAndRestart}.
     */
    public void restart(NodeId id) {
        Slot s = slot(id);
        Invariants.check(!s.alive, "restart of %s, which is running: crash it first", id);
        switch (s.disk.recover()) {
            case SimDisk.Recovery.Corrupt c -> {
                s.refusal = c.message(id);
                trace.add(now, "restart-refused", id + " " + s.refusal);
                return;
            }
            case SimDisk.Recovery.TailCut t -> trace.add(now, "tail-cut", id + " record " + t.record()
                    + " failed its checksum at the end of the disk: a torn write, cut off");
            case SimDisk.Recovery.Clean c -> { }
        }
        s.refusal = null;
        s.restarts++;
        s.incarnation++;
        trace.add(now, "restart", id + " #" + s.restarts);
        start(s);
    }

    /** The operator's remedy for a corrupt disk: wipes the crashed node's disk and restarts it empty. */
    public void wipeAndRestart(NodeId id) {
        Slot s = slot(id);
        Invariants.check(!s.alive, "wipe of %s, which is running: crash it first", id);
        s.disk.wipe();
        trace.add(now, "wipe", id.toString());
        restart(id);
    }

    /** Why the node's last restart was refused (its disk is corrupt), or null: it stays down until wiped. */
    public String restartRefusal(NodeId id) {
        return slot(id).refusal;
    }

    /**
     * Damages record {@code record} (1-based) of the node's disk ({@link SimDisk#corrupt}): the node,
     * if running, does not notice; its next restart does. Returns false if there is no such record.
     */
    public boolean corrupt(NodeId id, long record) {
        Slot s = slot(id);
        boolean hit = s.disk.corrupt(record);
        trace.add(now, "corrupt", id + " record " + record + " of " + s.disk.records()
                + (hit ? "" : " (not on the disk: no effect)"));
        return hit;
    }

    /** Stops a node without losing anything: no ticks, arriving messages and sync completions wait for {@link #resume}. */
    public void pause(NodeId id) {
        Slot s = slot(id);
        Invariants.check(s.alive, "pause of crashed node %s", id);
        s.paused = true;
        trace.add(now, "pause", id.toString());
    }

    /** Resumes a paused node; what arrived meanwhile is handled now, in arrival order. */
    public void resume(NodeId id) {
        Slot s = slot(id);
        if (!s.paused) return;
        s.paused = false;
        trace.add(now, "resume", id + " queued=" + s.pausedInbox.size());
        guard(() -> {
            while (!s.paused && !s.pausedInbox.isEmpty()) dispatch(s.pausedInbox.removeFirst());
        });
    }

    /** Advances virtual time by one tick. */
    public void tick() {
        guard(() -> {
            now++;
            eventsThisTick = 0;
            processDueEvents();
            for (Slot s : List.copyOf(slots.values())) {
                if (!s.alive || s.paused) continue;
                input(s, "tick", () -> s.node.onTick());
                drainEffects(s, null);
            }
            processDueEvents();
        });
        for (Observer o : observers) {
            try {
                o.check().run();
            } catch (RuntimeException | AssertionError e) {
                throw failure("check '" + o.name() + "' failed: " + e.getMessage(), e);
            }
        }
    }

    public void run(long ticks) {
        for (long i = 0; i < ticks; i++) tick();
    }

    /**
     * Starts an operation on a client node (a {@link ClientNode} that is alive and not busy) and
     * records its call in the history. Returns the operation's id.
     */
    public long invoke(NodeId client, Command command) {
        Slot s = slot(client);
        if (!s.alive || !(s.node instanceof ClientNode c)) {
            throw failure("invoke on " + client + ", which is " + (s.alive ? "not a client node" : "crashed"), null);
        }
        if (c.busy()) throw failure("invoke on " + client + " while its previous operation is in flight", null);
        long id = ++operations;
        history.call(id, client.toString(), command, now);
        operationClients.put(id, client);
        trace.add(now, "invoke", "op" + id + " " + client + " " + command);
        guard(() -> {
            input(s, "invoke op" + id, () -> c.invoke(id, command));
            drainEffects(s, null);
        });
        return id;
    }

    /** A failure carrying the seed, the tick, the replay hint and the tail of the trace. */
    public SimulationFailure failure(String what, Throwable cause) {
        return new SimulationFailure(seed, now, what, trace.tail(SimulationFailure.TRACE_LINES_QUOTED), cause);
    }

    // ---------------------------------------------------------------------------------------

    private Slot slot(NodeId id) {
        Slot s = slots.get(id);
        if (s == null) throw failure("no node " + id + " in the simulation; nodes: " + slots.keySet(), null);
        return s;
    }

    private DiskSettings settings(Slot s) {
        return s.diskSettings != null ? s.diskSettings : diskDefaults;
    }

    private void start(Slot s) {
        Prng prng = Prng.derive(seed, "node/" + s.id + "/" + s.restarts);
        guard(() -> {
            Node node = build(s, prng);
            if (!node.id().equals(s.id)) throw failure("factory for " + s.id + " built a node named " + node.id(), null);
            s.node = node;
            s.alive = true;
            drainEffects(s, null);
        });
    }

    private Node build(Slot s, Prng prng) {
        try {
            return s.factory.create(s.id, prng, s.disk);
        } catch (RuntimeException | AssertionError e) {
            throw failure("building node " + s.id + " threw " + e, e);
        }
    }

    /** Runs a harness step, turning anything that escapes into a failure that names the seed. */
    private void guard(Runnable step) {
        try {
            step.run();
        } catch (SimulationFailure f) {
            throw f;
        } catch (RuntimeException | AssertionError e) {
            throw failure("the simulator threw " + e, e);
        }
    }

    private void input(Slot s, String what, Runnable call) {
        try {
            call.run();
        } catch (SimulationFailure f) {
            throw f;
        } catch (RuntimeException | AssertionError e) {
            throw failure("node " + s.id + " threw on " + what + ": " + e, e);
        }
    }

    private void schedule(long time, Event event) {
        queue.add(new Scheduled(time, ++seq, event));
    }

    private void processDueEvents() {
        while (!queue.isEmpty() && queue.peek().time() <= now) {
            if (++eventsThisTick > EVENTS_PER_TICK_MAX) {
                throw failure("more than " + EVENTS_PER_TICK_MAX + " events in one tick: livelock?", null);
            }
            dispatch(queue.poll().event());
        }
    }

    private void dispatch(Event event) {
        switch (event) {
            case Delivery d -> onDelivery(d);
            case SyncDone d -> onSyncDone(d);
        }
    }

    private void onDelivery(Delivery d) {
        Slot s = slots.get(d.to());
        String link = "#" + d.number() + " " + d.from() + "->" + d.to();
        if (s == null) {
            trace.add(now, "drop", link + " unknown-node");
            return;
        }
        if (!s.alive || s.incarnation != d.incarnation()) {
            trace.add(now, "drop", link + " dead");
            return;
        }
        if (network.blocked(d.from(), d.to())) {
            trace.add(now, "drop", link + " blocked");
            return;
        }
        if (s.paused) {
            s.pausedInbox.addLast(d);
            trace.add(now, "hold", link + " paused");
            return;
        }
        SimNetwork.InboundFate fate = network.onArrival(d.to());
        if (fate == SimNetwork.InboundFate.DROP) {
            trace.add(now, "drop", link + " unreliable");
            return;
        }
        boolean replyLost = fate == SimNetwork.InboundFate.DELIVER_REPLY_LOST;
        trace.add(now, "recv", link + (replyLost ? " reply-lost" : ""));
        s.delivered++;
        input(s, "message #" + d.number() + " " + d.message(), () -> s.node.onMessage(d.from(), d.message()));
        drainEffects(s, replyLost ? d.from() : null);
    }

    private void onSyncDone(SyncDone d) {
        Slot s = slots.get(d.node());
        if (!s.alive || s.incarnation != d.sync().incarnation) return; // the crash already threw it away
        if (s.paused) {
            s.pausedInbox.addLast(d);
            return;
        }
        s.disk.syncThrough(d.sync().targetOps);
        if (s.lastSync == d.sync()) s.lastSync = null;
        trace.add(now, "sync", s.id + " through-op=" + d.sync().targetOps + " release=" + d.sync().held.size());
        release(s, d.sync().held);
    }

    private void drainEffects(Slot s, NodeId replyLostTo) {
        Effects effects = s.node.drain();
        if (effects.isEmpty()) return;
        for (Envelope e : effects.send()) send(s.id, ++messages, e, replyLostTo);
        persist(s, effects.persist(), effects.sendAfterPersist(), replyLostTo);
        for (Completion c : effects.completions()) complete(s, c);
    }

    private void persist(Slot s, List<PersistOp> ops, List<Envelope> after, NodeId replyLostTo) {
        if (ops.isEmpty() && after.isEmpty()) return;
        List<Held> held = new ArrayList<>(after.size());
        for (Envelope e : after) held.add(new Held(++messages, e, replyLostTo));
        for (PersistOp op : ops) input(s, "persist " + op, () -> s.disk.apply(op));
        if (ops.isEmpty()) {
            // nothing new to write, but the messages still wait for whatever is not yet durable
            if (s.lastSync == null) release(s, held); else s.lastSync.held.addAll(held);
            return;
        }
        DiskSettings settings = settings(s);
        long delay = s.diskDelayPrng.between(settings.syncDelayTicksMin(), settings.syncDelayTicksMax());
        if (delay == 0 && s.lastSync == null) {
            s.disk.sync();
            trace.add(now, "sync", s.id + " ops=" + ops.size() + " release=" + held.size());
            release(s, held);
            return;
        }
        long at = Math.max(now + delay, s.lastSyncTime); // one node's syncs complete in order
        PendingSync sync = new PendingSync(s.incarnation, s.disk.appliedOps(), held);
        s.lastSync = sync;
        s.lastSyncTime = at;
        schedule(at, new SyncDone(s.id, sync));
        trace.add(now, "persist", s.id + " ops=" + ops.size() + " sync-at=" + at + " held=" + held.size());
    }

    private void release(Slot s, List<Held> held) {
        for (Held h : held) send(s.id, h.number(), h.envelope(), h.replyLostTo());
    }

    private void send(NodeId from, long number, Envelope e, NodeId replyLostTo) {
        slots.get(from).sent++;
        NodeId to = e.to();
        String head = "#" + number + " " + from + "->" + to;
        if (to.equals(replyLostTo)) {
            trace.add(now, "drop", head + " reply-lost " + e.message());
            return;
        }
        SimNetwork.SendFate fate = network.onSend(from, to);
        if (fate.dropped()) {
            trace.add(now, "drop", head + " " + fate.dropReason() + " " + e.message());
            return;
        }
        Slot target = slots.get(to);
        long incarnation = target == null ? -1 : target.incarnation;
        StringBuilder delays = new StringBuilder();
        for (long delay : fate.delaysTicks()) {
            schedule(now + delay, new Delivery(number, from, to, incarnation, e.message()));
            delays.append(delays.isEmpty() ? "+" : ",+").append(delay);
        }
        trace.add(now, "send", head + " " + delays + " " + e.message());
    }

    private void complete(Slot s, Completion c) {
        NodeId client = operationClients.remove(c.operationId());
        if (client == null || !client.equals(s.id)) {
            throw failure("node " + s.id + " completed operation " + c.operationId() + ", which it was not running", null);
        }
        history.complete(c.operationId(), now, c.outcome());
        trace.add(now, "done", "op" + c.operationId() + " " + s.id + " " + c.outcome());
    }
}
