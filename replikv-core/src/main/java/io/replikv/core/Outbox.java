package io.replikv.core;

import io.replikv.core.storage.PersistOp;
import io.replikv.core.util.Invariants;
import java.util.ArrayList;
import java.util.List;

/** Collects a core's effects between two drains. Cores own one and hand it out through {@link Node#drain()}. */
public final class Outbox {
    private final List<Envelope> send = new ArrayList<>();
    private final List<PersistOp> persist = new ArrayList<>();
    private final List<Envelope> sendAfterPersist = new ArrayList<>();
    private final List<Completion> completions = new ArrayList<>();

    public void send(NodeId to, Message message) {
        send.add(new Envelope(to, message));
    }

    public void persist(PersistOp op) {
        persist.add(op);
    }

    /** Queues a message that may leave only once every persist op queued so far is durable. */
    public void sendAfterPersist(NodeId to, Message message) {
        sendAfterPersist.add(new Envelope(to, message));
    }

    public void complete(long operationId, io.replikv.core.client.Outcome outcome) {
        completions.add(new Completion(operationId, outcome));
    }

    public boolean isEmpty() {
        return send.isEmpty() && persist.isEmpty() && sendAfterPersist.isEmpty() && completions.isEmpty();
    }

    public Effects drain() {
        if (isEmpty()) return Effects.NONE;
        Effects effects = new Effects(send, persist, sendAfterPersist, completions);
        send.clear();
        persist.clear();
        sendAfterPersist.clear();
        completions.clear();
        Invariants.check(isEmpty(), "outbox not empty after drain");
        return effects;
    }
}
