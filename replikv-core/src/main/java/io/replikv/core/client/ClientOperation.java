package io.replikv.core.client;

import io.replikv.core.NodeId;
import io.replikv.core.Outbox;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Reply;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.Prng;
import java.util.Map;

/**
 * What every client core shares, whatever way it finds a server ({@link ClientCore}: any server,
 * pb's {@code PbClientCore}: the view service's primary): the at-most-once session — a client id
 * and sequence numbers, renewed when the servers forgot it — and the one operation in flight with
 * the rules that make its outcome definite or not. A write is tagged (client id, seq) and every
 * try carries the same tag; a read is untagged. Once a try of a write went unanswered or was
 * answered Uncertain it may still apply, so a later failure is reported Unknown, never NotApplied.
 */
public final class ClientOperation {
    private final NodeId owner;
    private final Prng prng;
    private long clientId;
    private long lastSeq;
    private long sessionsStarted = 1;

    private boolean busy;
    private long operationId;
    private long correlation;
    private Request request;
    private long elapsedTicks;
    private boolean mayHaveApplied;

    public ClientOperation(NodeId owner, Prng prng) {
        this.owner = owner;
        this.prng = prng;
        this.clientId = newClientId();
    }

    private long newClientId() {
        long c;
        do {
            c = prng.nextLong() & Long.MAX_VALUE;
        } while (c == Request.UNTAGGED);
        return c;
    }

    /**
     * Starts operation {@code id}. A command the state machine would refuse completes at once,
     * NotApplied BAD_REQUEST, and false is returned; else the operation is in flight.
     */
    public boolean begin(long id, Command command, Outbox outbox) {
        Invariants.check(!busy, "client %s invoked while operation %d is in flight", owner, operationId);
        operationId = id;
        String invalid = KvStateMachine.validate(command);
        if (invalid != null) {
            outbox.complete(id, new Outcome.NotApplied("BAD_REQUEST", invalid));
            return false;
        }
        busy = true;
        correlation++;
        elapsedTicks = 0;
        mayHaveApplied = false;
        request = command.readOnly() ? Request.untagged(command) : new Request(clientId, ++lastSeq, command);
        return true;
    }

    public boolean busy() {
        return busy;
    }

    /** The message of one try: every try of the operation carries the same correlation and tag. */
    public ClientRequest message() {
        return new ClientRequest(correlation, request);
    }

    /** Whether {@code correlation} answers the operation in flight. */
    public boolean answers(long correlation) {
        return busy && correlation == this.correlation;
    }

    public boolean readOnly() {
        return request.command().readOnly();
    }

    /** A try went unanswered or was answered Uncertain: a write may now apply whatever comes next. */
    public void tryMayHaveApplied() {
        if (!readOnly()) mayHaveApplied = true;
    }

    /**
     * The servers forgot the session (SESSION_EXPIRED): this try was certainly not applied, so the
     * operation goes on under a new client id; earlier tries of the old session could have been
     * applied only if the session table evicted the session after applying them.
     */
    public void renewSession() {
        clientId = newClientId();
        sessionsStarted++;
        lastSeq = 0;
        request = new Request(clientId, ++lastSeq, request.command());
    }

    /** Counts a tick of the operation; true when it has run out of {@code operationTicksMax} (0: never). */
    public boolean tickOutOfTime(long operationTicksMax) {
        elapsedTicks++;
        return operationTicksMax > 0 && elapsedTicks >= operationTicksMax;
    }

    /** The outcome of an Applied answer: the result, or NotApplied REFUSED for a refused one. */
    public static Outcome applied(Reply.Applied applied) {
        return applied.result() instanceof Result.Refused r
                ? new Outcome.NotApplied("REFUSED", r.reason())
                : new Outcome.Ok(applied.result());
    }

    /** A definite refusal of this try; an earlier try that went unanswered may still apply. */
    public Outcome refused(Reply.Rejected rejected) {
        return mayHaveApplied ? new Outcome.Unknown(rejected.detail())
                : new Outcome.NotApplied(rejected.code().name(), rejected.detail());
    }

    /** Out of time; {@code tryInFlight}: a try is out, unanswered (a write it carries may apply). */
    public Outcome timedOut(long operationTicksMax, boolean tryInFlight) {
        boolean unknown = !readOnly() && (mayHaveApplied || tryInFlight);
        String why = "no answer within " + operationTicksMax + " ticks";
        return unknown ? new Outcome.Unknown(why) : new Outcome.NotApplied("TIMEOUT", why);
    }

    public void finish(Outcome outcome, Outbox outbox) {
        busy = false;
        outbox.complete(operationId, outcome);
    }

    public long clientId() {
        return clientId;
    }

    public long operationId() {
        return operationId;
    }

    /** The session's status details: clientId, lastSeq, sessionsStarted, busy. */
    public void putDetails(Map<String, String> details) {
        details.put("clientId", Long.toString(clientId));
        details.put("lastSeq", Long.toString(lastSeq));
        details.put("sessionsStarted", Long.toString(sessionsStarted));
        details.put("busy", Boolean.toString(busy));
    }
}
