package io.replikv.sim;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Replies;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Bytes;
import java.util.List;
import java.util.TreeMap;

/**
 * A test-only single server that survives crashes: after every write it persists the whole
 * state machine (data and session table) and answers only once that is durable; reads also wait
 * for anything not yet durable, so no answer ever depends on state a crash could lose. On
 * restart it recovers the state machine from the disk.
 */
final class DurableKvCore implements Node {
    static final String STATE_KEY = "kv";

    private final NodeId id;
    private final KvStateMachine stateMachine;
    private final Outbox outbox = new Outbox();
    final boolean recoveredState;

    DurableKvCore(NodeId id, Storage recovered) {
        this.id = id;
        var saved = recovered.stable().get(STATE_KEY);
        this.recoveredState = saved.isPresent();
        this.stateMachine = saved.map(KvStateMachine::restore).orElseGet(KvStateMachine::new);
    }

    static NodeFactory factory() {
        return (id, prng, storage) -> new DurableKvCore(id, storage);
    }

    KvStateMachine stateMachine() {
        return stateMachine;
    }

    String value(String key) {
        Bytes v = stateMachine.data().get(Bytes.of(key));
        return v == null ? null : v.utf8();
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        if (!(message instanceof ClientRequest request)) return;
        String invalid = KvStateMachine.validate(request.request().command());
        if (invalid != null) {
            outbox.send(from, new ClientReply(request.correlation(), Replies.badRequest(invalid)));
            return;
        }
        var result = stateMachine.apply(request.request());
        if (!request.request().command().readOnly()) {
            outbox.persist(new PersistOp.PutStable(STATE_KEY, stateMachine.snapshot()));
        }
        outbox.sendAfterPersist(from, new ClientReply(request.correlation(), Replies.of(result)));
    }

    @Override
    public void onTick() {}

    @Override
    public Effects drain() {
        return outbox.drain();
    }

    @Override
    public NodeStatus status() {
        return new NodeStatus(id, "test-durable", "primary", 0, id, List.of(id), stateMachine.appliedCount(), new TreeMap<>());
    }
}
