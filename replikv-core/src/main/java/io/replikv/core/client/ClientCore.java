package io.replikv.core.client;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
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
import java.util.List;
import java.util.TreeMap;

/**
 * The client core for modes where any server takes requests (single, 2pc, raft; pb has a
 * specialised one that asks the view service). One operation at a time. Writes are tagged with
 * (client id, sequence number) and retried with the same tag until a definite answer, so they
 * apply at most once; reads are untagged (they change nothing). A refused server sends the client
 * to the hinted leader or the next server; silence moves it to the next server too.
 */
public final class ClientCore implements ClientNode {
    private final NodeId id;
    private List<NodeId> servers;
    private final Prng prng;
    private final ClientConfig config;
    private final Outbox outbox = new Outbox();
    private final Timeout attempt;
    private final Timeout backoff;

    private long clientId;
    private long lastSeq;
    private int target;
    private long sessionsStarted = 1;

    // the operation in flight, if any; mayHaveApplied: an attempt of this write went unanswered
    // or was answered Uncertain, so a later failure can only be reported as Unknown
    private boolean busy;
    private long operationId;
    private long correlation;
    private Request request;
    private long elapsedTicks;
    private boolean mayHaveApplied;

    public ClientCore(NodeId id, List<NodeId> servers, Prng prng, ClientConfig config) {
        Invariants.check(!servers.isEmpty(), "client %s without servers", id);
        this.id = id;
        this.servers = List.copyOf(servers);
        this.prng = prng;
        this.config = config;
        this.attempt = new Timeout("attempt", config.attemptTicks());
        this.backoff = new Timeout("retry-backoff", Math.max(1, config.retryBackoffTicksMax() / 8));
        this.clientId = newClientId();
        this.target = prng.nextInt(servers.size());
    }

    private long newClientId() {
        long c;
        do {
            c = prng.nextLong() & Long.MAX_VALUE;
        } while (c == Request.UNTAGGED);
        return c;
    }

    @Override
    public boolean busy() {
        return busy;
    }

    public long clientId() {
        return clientId;
    }

    /**
     * Replaces the servers this client tries (its shell learned a new membership). An operation in
     * flight goes on; the current target stays the target when it is still a server, else the
     * first one is.
     */
    public void updateServers(List<NodeId> newServers) {
        Invariants.check(!newServers.isEmpty(), "client %s given no servers", id);
        NodeId current = servers.get(target);
        servers = List.copyOf(newServers);
        target = Math.max(0, servers.indexOf(current));
    }

    public List<NodeId> servers() {
        return servers;
    }

    /** Starts an operation; its {@link io.replikv.core.Completion} arrives in a later drain. */
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
        backoff.stop();
        redirectsFollowed = 0;
        sendAttempt();
    }

    private void sendAttempt() {
        outbox.send(servers.get(target), new ClientRequest(correlation, request));
        attempt.start();
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        if (!(message instanceof ClientReply reply) || !busy || reply.correlation() != correlation) return;
        switch (reply.reply()) {
            case Reply.Applied applied -> finish(applied.result() instanceof Result.Refused r
                    ? new Outcome.NotApplied("REFUSED", r.reason())
                    : new Outcome.Ok(applied.result()));
            case Reply.Rejected rejected -> onRejected(from, rejected);
            case Reply.Uncertain uncertain -> {
                // a read changes nothing, so an uncertain read is just a failed attempt
                if (!request.command().readOnly()) mayHaveApplied = true;
                retryLater();
            }
        }
    }

    private void onRejected(NodeId from, Reply.Rejected rejected) {
        switch (rejected.code()) {
            case BAD_REQUEST -> finishRejected(rejected);
            case WRONG_SERVER -> {
                int hinted = rejected.leaderHint() == null ? -1 : servers.indexOf(rejected.leaderHint());
                boolean followHint = hinted >= 0 && !rejected.leaderHint().equals(from);
                target = followHint ? hinted : (target + 1) % servers.size();
                // a fresh hint is followed at once; only repeated redirects back off, so two
                // servers that name each other cannot make the client spin
                if (followHint && redirectsFollowed++ < REDIRECTS_IMMEDIATE_MAX) {
                    attempt.stop();
                    sendAttempt();
                } else {
                    retryLater();
                }
            }
            case BUSY -> retryLater();
            case SESSION_EXPIRED -> {
                // this attempt was certainly not applied; earlier attempts of the old session could
                // have been, but only if the table evicted the session after applying them
                clientId = newClientId();
                sessionsStarted++;
                lastSeq = 0;
                request = new Request(clientId, ++lastSeq, request.command());
                retryLater();
            }
        }
    }

    private void finishRejected(Reply.Rejected rejected) {
        // a definite refusal of this attempt; an earlier attempt that went unanswered may still apply
        finish(mayHaveApplied ? new Outcome.Unknown(rejected.detail())
                : new Outcome.NotApplied(rejected.code().name(), rejected.detail()));
    }

    /** Leader hints followed without backoff per operation; beyond this, redirects back off. */
    static final int REDIRECTS_IMMEDIATE_MAX = 2;

    private int redirectsFollowed;

    private void retryLater() {
        attempt.stop();
        if (backoff.ticking()) return;
        backoff.backoff(prng, config.retryBackoffTicksMax());
    }

    private void finish(Outcome outcome) {
        busy = false;
        attempt.stop();
        backoff.stop();
        outbox.complete(operationId, outcome);
    }

    @Override
    public void onTick() {
        if (!busy) return;
        elapsedTicks++;
        attempt.tick();
        backoff.tick();
        if (config.operationTicksMax() > 0 && elapsedTicks >= config.operationTicksMax()) {
            boolean unknown = !request.command().readOnly() && (mayHaveApplied || attempt.ticking());
            finish(!unknown
                    ? new Outcome.NotApplied("TIMEOUT", "no answer within " + config.operationTicksMax() + " ticks")
                    : new Outcome.Unknown("no answer within " + config.operationTicksMax() + " ticks"));
            return;
        }
        if (attempt.fired()) {
            // the unanswered attempt may still be applied: from now on a failure is indefinite
            if (!request.command().readOnly()) mayHaveApplied = true;
            target = (target + 1) % servers.size();
            sendAttempt();
        } else if (backoff.fired()) {
            backoff.stop();
            sendAttempt();
        }
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
        return new NodeStatus(id, "client", "client", 0, servers.get(target), servers, 0, details);
    }
}
