package io.replikv.core.single;

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
import java.util.List;
import java.util.TreeMap;

/**
 * Mode {@code single}: one server, no replication. It applies every request to the state machine
 * at once and answers. The baseline the replicated modes are measured against, and the simplest
 * core for testing shells.
 */
public final class SingleServerCore implements Node {
    private final NodeId id;
    private final KvStateMachine stateMachine = new KvStateMachine();
    private final Outbox outbox = new Outbox();

    public SingleServerCore(NodeId id) {
        this.id = id;
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        switch (message) {
            case ClientRequest request -> onClientRequest(from, request);
            default -> { } // a single server has no peers: anything else is ignored, as from a stranger
        }
    }

    private void onClientRequest(NodeId from, ClientRequest request) {
        String invalid = KvStateMachine.validate(request.request().command());
        if (invalid != null) {
            outbox.send(from, new ClientReply(request.correlation(), Replies.badRequest(invalid)));
            return;
        }
        outbox.send(from, new ClientReply(request.correlation(), Replies.of(stateMachine.apply(request.request()))));
    }

    @Override
    public void onTick() {}

    @Override
    public Effects drain() {
        return outbox.drain();
    }

    public KvStateMachine stateMachine() {
        return stateMachine;
    }

    @Override
    public NodeStatus status() {
        TreeMap<String, String> details = new TreeMap<>();
        details.put("keys", Integer.toString(stateMachine.size()));
        details.put("sessions", Integer.toString(stateMachine.sessions().size()));
        return new NodeStatus(id, "single", "primary", 0, id, List.of(id), stateMachine.appliedCount(), details);
    }

}
