package io.replikv.sim.pb;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A node the test speaks through, as the original view service test speaks through its clerks:
 * what the test queues leaves on the node's next tick; what arrives is kept for the test to read.
 */
public final class ClerkNode implements Node {
    private final NodeId id;
    private final Outbox outbox = new Outbox();
    private final List<NodeId> queuedTo = new ArrayList<>();
    private final List<Message> queued = new ArrayList<>();
    private final List<Message> received = new ArrayList<>();
    private final List<NodeId> receivedFrom = new ArrayList<>();

    public ClerkNode(NodeId id) {
        this.id = id;
    }

    public void queue(NodeId to, Message message) {
        queuedTo.add(to);
        queued.add(message);
    }

    /** How many messages arrived so far. */
    public int receivedCount() {
        return received.size();
    }

    public Message received(int index) {
        return received.get(index);
    }

    /** Who sent the message at {@code index}. */
    public NodeId receivedFrom(int index) {
        return receivedFrom.get(index);
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        received.add(message);
        receivedFrom.add(from);
    }

    @Override
    public void onTick() {
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
        return new NodeStatus(id, "clerk", "clerk", 0, null, List.of(), 0, new TreeMap<>());
    }
}
