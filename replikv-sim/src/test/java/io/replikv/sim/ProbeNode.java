package io.replikv.sim;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A test-only node for probing the simulator: it sends what the test queues on its next tick,
 * records what it receives (with the tick), and, if told to, answers each {@link Ping} with a
 * {@link Pong} to the sender plus a {@link Note} to an observer, or persists it and acknowledges
 * it after persistence.
 */
final class ProbeNode implements Node {
    record Ping(int n) implements Message {}
    record Pong(int n) implements Message {}
    record Note(int n) implements Message {}
    record Ack(int n) implements Message {}
    /** Asks for an {@link Ack} sent after persistence but with nothing new to persist. */
    record Flush(int n) implements Message {}

    record Received(long tick, NodeId from, Message message) {}

    enum Mode { RECORD, REPLY, PERSIST_ACK }

    private final NodeId id;
    private final LongSupplier clock;
    private final Mode mode;
    private final NodeId observer;
    final Storage recovered;
    private final Outbox outbox = new Outbox();
    private final List<Message> queued = new ArrayList<>();
    private final List<NodeId> queuedTo = new ArrayList<>();
    final List<Received> received = new ArrayList<>();
    long ticks;

    ProbeNode(NodeId id, LongSupplier clock, Mode mode, NodeId observer, Storage recovered) {
        this.id = id;
        this.clock = clock;
        this.mode = mode;
        this.observer = observer;
        this.recovered = recovered;
    }

    static NodeFactory factory(LongSupplier clock, Mode mode, NodeId observer) {
        return (id, prng, storage) -> new ProbeNode(id, clock, mode, observer, storage);
    }

    /** Sends {@code message} to {@code to} on this node's next tick. */
    void queue(NodeId to, Message message) {
        queuedTo.add(to);
        queued.add(message);
    }

    List<Message> messagesFrom(NodeId from) {
        return received.stream().filter(r -> r.from().equals(from)).map(Received::message).toList();
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        received.add(new Received(clock.getAsLong(), from, message));
        if (message instanceof Flush f) {
            outbox.sendAfterPersist(from, new Ack(f.n()));
            return;
        }
        if (!(message instanceof Ping p)) return;
        switch (mode) {
            case RECORD -> { }
            case REPLY -> {
                outbox.send(from, new Pong(p.n()));
                if (observer != null) outbox.send(observer, new Note(p.n()));
            }
            case PERSIST_ACK -> {
                outbox.persist(new PersistOp.PutStable("ping-" + p.n(), Bytes.of(from.toString())));
                outbox.sendAfterPersist(from, new Ack(p.n()));
            }
        }
    }

    @Override
    public void onTick() {
        ticks++;
        for (int i = 0; i < queued.size(); i++) outbox.send(queuedTo.get(i), queued.get(i));
        queued.clear();
        queuedTo.clear();
    }

    @Override
    public Effects drain() {
        return outbox.drain();
    }

    @Override
    public NodeStatus status() {
        return new NodeStatus(id, "probe", mode.name(), 0, null, List.of(id), received.size(), new java.util.TreeMap<>(Map.of()));
    }
}
