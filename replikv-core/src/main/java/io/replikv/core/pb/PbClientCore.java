package io.replikv.core.pb;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
import io.replikv.core.client.ClientNode;
import io.replikv.core.client.ClientOperation;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.Reply;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.Prng;
import io.replikv.core.util.Timeout;
import io.replikv.core.viewservice.ViewServiceMessage;
import java.util.List;
import java.util.TreeMap;

/**
 * The client of mode {@code pb} (the original clerk): it caches the primary and asks the view
 * service only when that primary fails to answer within an attempt or refuses, so the view service
 * sees no traffic per operation. One operation at a time; writes are tagged (client id, sequence
 * number) and every try of an operation carries the same tag, so a write applies at most once;
 * Gets are untagged. Between tries it waits {@link PbClientConfig#retryWaitTicks()}. While no
 * primary can serve it keeps trying (unless {@link PbClientConfig#operationTicksMax()} is set).
 */
public final class PbClientCore implements ClientNode {
    private enum Phase { ASKING_VIEW, SENDING, WAITING }

    private final NodeId id;
    private final List<NodeId> viewServices; // the members of the view service, asked one at a time
    private int viewServiceIndex;             // the member asked now
    private final PbClientConfig config;
    private final Outbox outbox = new Outbox();
    private final Timeout attempt;
    private final Timeout retryWait;

    private NodeId primary;           // cached; null: ask the view service
    private boolean primaryFromHint;  // the cached primary came from a refusing server, not the view service
    private long viewNumber;          // the newest view learned
    private final ClientOperation op;
    private long viewServiceRequests;
    private long serverRequests;

    private Phase phase = Phase.WAITING;
    private NodeId target;

    public PbClientCore(NodeId id, NodeId viewService, Prng prng, PbClientConfig config) {
        this(id, List.of(viewService), prng, config);
    }

    /**
     * A client of a replicated view service with members {@code viewServices}: it asks one member
     * and moves on to the next when an attempt to get the view goes unanswered.
     */
    public PbClientCore(NodeId id, List<NodeId> viewServices, Prng prng, PbClientConfig config) {
        Invariants.check(!viewServices.isEmpty(), "%s: no view service to ask", id);
        this.id = id;
        this.viewServices = List.copyOf(viewServices);
        this.config = config;
        this.attempt = new Timeout("attempt", config.attemptTicks());
        this.retryWait = new Timeout("retry-wait", config.retryWaitTicks());
        this.op = new ClientOperation(id, prng);
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public boolean busy() {
        return op.busy();
    }

    @Override
    public void invoke(long operationId, Command command) {
        if (!op.begin(operationId, command, outbox)) return;
        tryNow();
    }

    private void tryNow() {
        retryWait.stop();
        if (primary == null) {
            phase = Phase.ASKING_VIEW;
            outbox.send(viewServices.get(viewServiceIndex), new ViewServiceMessage.GetView(viewNumber));
            viewServiceRequests++;
        } else {
            phase = Phase.SENDING;
            target = primary;
            outbox.send(target, op.message());
            serverRequests++;
        }
        attempt.start();
    }

    private void retryLater() {
        phase = Phase.WAITING;
        attempt.stop();
        retryWait.start();
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        switch (message) {
            case ViewServiceMessage.ViewReply reply -> onViewReply(from, reply);
            case ClientReply reply -> onClientReply(from, reply);
            default -> { } // nothing else is for a client
        }
    }

    private void onViewReply(NodeId from, ViewServiceMessage.ViewReply reply) {
        if (!viewServices.contains(from) || reply.view().number() < viewNumber) return;
        viewNumber = reply.view().number();
        primary = reply.view().primary();
        primaryFromHint = false;
        if (!op.busy() || phase != Phase.ASKING_VIEW) return;
        if (primary == null) {
            retryLater(); // no primary yet: the original clerk keeps trying
        } else {
            tryNow();
        }
    }

    private void onClientReply(NodeId from, ClientReply reply) {
        if (!op.answers(reply.correlation())) return;
        if (reply.reply() instanceof Reply.Applied applied) {
            // from any try of this operation: it took effect (or read) after the operation began
            finish(ClientOperation.applied(applied));
            return;
        }
        if (phase != Phase.SENDING || !from.equals(target)) return; // about a try we gave up on
        switch (reply.reply()) {
            case Reply.Rejected rejected -> onRejected(from, rejected);
            case Reply.Uncertain uncertain -> {
                op.tryMayHaveApplied();
                primary = null;
                retryLater();
            }
            case Reply.Applied applied -> throw Invariants.unreachable("handled above");
        }
    }

    private void onRejected(NodeId from, Reply.Rejected rejected) {
        switch (rejected.code()) {
            case BAD_REQUEST -> finish(op.refused(rejected));
            case WRONG_SERVER -> {
                // follow one hint; if the hinted server refuses too, ask the view service
                NodeId hint = rejected.leaderHint();
                boolean follow = hint != null && !hint.equals(from) && !primaryFromHint;
                primary = follow ? hint : null;
                primaryFromHint = follow;
                retryLater();
            }
            case BUSY -> retryLater();
            case SESSION_EXPIRED -> {
                op.renewSession();
                retryLater();
            }
        }
    }

    private void finish(Outcome outcome) {
        phase = Phase.WAITING;
        attempt.stop();
        retryWait.stop();
        op.finish(outcome, outbox);
    }

    @Override
    public void onTick() {
        if (!op.busy()) return;
        attempt.tick();
        retryWait.tick();
        if (op.tickOutOfTime(config.operationTicksMax())) {
            finish(op.timedOut(config.operationTicksMax(), phase == Phase.SENDING));
            return;
        }
        if (attempt.fired()) {
            if (phase == Phase.SENDING) {
                op.tryMayHaveApplied();
                primary = null; // failed: ask the view service next time
            } else if (phase == Phase.ASKING_VIEW) {
                viewServiceIndex = (viewServiceIndex + 1) % viewServices.size(); // silent member: ask the next
            }
            retryLater();
        } else if (retryWait.fired()) {
            tryNow();
        }
    }

    /** Requests sent to the view service (GetView), for the original "Count RPCs" budget. */
    public long viewServiceRequests() {
        return viewServiceRequests;
    }

    /** Requests sent to servers, every try counted. */
    public long serverRequests() {
        return serverRequests;
    }

    public long clientId() {
        return op.clientId();
    }

    @Override
    public Effects drain() {
        return outbox.drain();
    }

    @Override
    public NodeStatus status() {
        TreeMap<String, String> details = new TreeMap<>();
        op.putDetails(details);
        details.put("viewServiceRequests", Long.toString(viewServiceRequests));
        details.put("serverRequests", Long.toString(serverRequests));
        return new NodeStatus(id, "client", "client", viewNumber, primary,
                primary == null ? List.of() : List.of(primary), 0, details);
    }
}
