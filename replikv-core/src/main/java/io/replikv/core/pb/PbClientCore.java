package io.replikv.core.pb;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
import io.replikv.core.client.ClientNode;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
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
    private final NodeId viewService;
    private final Prng prng;
    private final PbClientConfig config;
    private final Outbox outbox = new Outbox();
    private final Timeout attempt;
    private final Timeout retryWait;

    private NodeId primary;           // cached; null: ask the view service
    private boolean primaryFromHint;  // the cached primary came from a refusing server, not the view service
    private long viewNumber;          // the newest view learned
    private long clientId;
    private long lastSeq;
    private long sessionsStarted = 1;
    private long viewServiceRequests;
    private long serverRequests;

    private boolean busy;
    private Phase phase = Phase.WAITING;
    private long operationId;
    private long correlation;
    private Request request;
    private NodeId target;
    private long elapsedTicks;
    private boolean mayHaveApplied; // an unanswered or uncertain try of this write may still apply

    public PbClientCore(NodeId id, NodeId viewService, Prng prng, PbClientConfig config) {
        this.id = id;
        this.viewService = viewService;
        this.prng = prng;
        this.config = config;
        this.attempt = new Timeout("attempt", config.attemptTicks());
        this.retryWait = new Timeout("retry-wait", config.retryWaitTicks());
        this.clientId = newClientId();
    }

    private long newClientId() {
        long c;
        do {
            c = prng.nextLong() & Long.MAX_VALUE;
        } while (c == Request.UNTAGGED);
        return c;
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public boolean busy() {
        return busy;
    }

    @Override
    public void invoke(long operationId, Command command) {
        Invariants.check(!busy, "client %s invoked while operation %d is in flight", id, this.operationId);
        this.operationId = operationId;
        String invalid = KvStateMachine.validate(command);
        if (invalid != null) {
            outbox.complete(operationId, new Outcome.NotApplied("BAD_REQUEST", invalid));
            return;
        }
        busy = true;
        correlation++;
        elapsedTicks = 0;
        mayHaveApplied = false;
        request = command.readOnly() ? Request.untagged(command) : new Request(clientId, ++lastSeq, command);
        tryNow();
    }

    private void tryNow() {
        retryWait.stop();
        if (primary == null) {
            phase = Phase.ASKING_VIEW;
            outbox.send(viewService, new ViewServiceMessage.GetView(viewNumber));
            viewServiceRequests++;
        } else {
            phase = Phase.SENDING;
            target = primary;
            outbox.send(target, new ClientRequest(correlation, request));
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
        if (!from.equals(viewService) || reply.view().number() < viewNumber) return;
        viewNumber = reply.view().number();
        primary = reply.view().primary();
        primaryFromHint = false;
        if (!busy || phase != Phase.ASKING_VIEW) return;
        if (primary == null) {
            retryLater(); // no primary yet: the original clerk keeps trying
        } else {
            tryNow();
        }
    }

    private void onClientReply(NodeId from, ClientReply reply) {
        if (!busy || reply.correlation() != correlation) return;
        if (reply.reply() instanceof Reply.Applied applied) {
            // from any try of this operation: it took effect (or read) after the operation began
            finish(applied.result() instanceof Result.Refused r
                    ? new Outcome.NotApplied("REFUSED", r.reason())
                    : new Outcome.Ok(applied.result()));
            return;
        }
        if (phase != Phase.SENDING || !from.equals(target)) return; // about a try we gave up on
        switch (reply.reply()) {
            case Reply.Rejected rejected -> onRejected(from, rejected);
            case Reply.Uncertain uncertain -> {
                mayHaveApplied = true;
                primary = null;
                retryLater();
            }
            case Reply.Applied applied -> throw Invariants.unreachable("handled above");
        }
    }

    private void onRejected(NodeId from, Reply.Rejected rejected) {
        switch (rejected.code()) {
            case BAD_REQUEST -> finish(mayHaveApplied ? new Outcome.Unknown(rejected.detail())
                    : new Outcome.NotApplied(rejected.code().name(), rejected.detail()));
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
                clientId = newClientId();
                sessionsStarted++;
                lastSeq = 0;
                request = new Request(clientId, ++lastSeq, request.command());
                retryLater();
            }
        }
    }

    private void finish(Outcome outcome) {
        busy = false;
        phase = Phase.WAITING;
        attempt.stop();
        retryWait.stop();
        outbox.complete(operationId, outcome);
    }

    @Override
    public void onTick() {
        if (!busy) return;
        elapsedTicks++;
        attempt.tick();
        retryWait.tick();
        if (config.operationTicksMax() > 0 && elapsedTicks >= config.operationTicksMax()) {
            boolean unknown = !request.command().readOnly() && (mayHaveApplied || phase == Phase.SENDING);
            String why = "no answer within " + config.operationTicksMax() + " ticks";
            finish(unknown ? new Outcome.Unknown(why) : new Outcome.NotApplied("TIMEOUT", why));
            return;
        }
        if (attempt.fired()) {
            if (phase == Phase.SENDING) {
                if (!request.command().readOnly()) mayHaveApplied = true;
                primary = null; // failed: ask the view service next time
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
        return clientId;
    }

    @Override
    public Effects drain() {
        return outbox.drain();
    }

    @Override
    public NodeStatus status() {
        TreeMap<String, String> details = new TreeMap<>();
        details.put("clientId", Long.toString(clientId));
        details.put("lastSeq", Long.toString(lastSeq));
        details.put("sessionsStarted", Long.toString(sessionsStarted));
        details.put("busy", Boolean.toString(busy));
        details.put("viewServiceRequests", Long.toString(viewServiceRequests));
        details.put("serverRequests", Long.toString(serverRequests));
        return new NodeStatus(id, "client", "client", viewNumber, primary,
                primary == null ? List.of() : List.of(primary), 0, details);
    }
}
