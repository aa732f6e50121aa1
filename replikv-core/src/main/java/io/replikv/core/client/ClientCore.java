package io.replikv.core.client;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
import io.replikv.core.kv.Command;
import io.replikv.core.msg.ClientReply;
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

    private int target;
    private final ClientOperation op;

    public ClientCore(NodeId id, List<NodeId> servers, Prng prng, ClientConfig config) {
        Invariants.check(!servers.isEmpty(), "client %s without servers", id);
        this.id = id;
        this.servers = List.copyOf(servers);
        this.prng = prng;
        this.config = config;
        this.attempt = new Timeout("attempt", config.attemptTicks());
        this.backoff = new Timeout("retry-backoff", Math.max(1, config.retryBackoffTicksMax() / 8));
        this.op = new ClientOperation(id, prng);
        this.target = prng.nextInt(servers.size());
    }

    @Override
    public boolean busy() {
        return op.busy();
    }

    public long clientId() {
        return op.clientId();
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
        if (!op.begin(operationId, command, outbox)) return;
        backoff.stop();
        redirectsFollowed = 0;
        sendAttempt();
    }

    private void sendAttempt() {
        outbox.send(servers.get(target), op.message());
        attempt.start();
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        if (!(message instanceof ClientReply reply) || !op.answers(reply.correlation())) return;
        switch (reply.reply()) {
            case Reply.Applied applied -> finish(ClientOperation.applied(applied));
            case Reply.Rejected rejected -> onRejected(from, rejected);
            case Reply.Uncertain uncertain -> {
                // a read changes nothing, so an uncertain read is just a failed attempt
                op.tryMayHaveApplied();
                retryLater();
            }
        }
    }

    private void onRejected(NodeId from, Reply.Rejected rejected) {
        switch (rejected.code()) {
            case BAD_REQUEST -> finish(op.refused(rejected));
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
                op.renewSession();
                retryLater();
            }
        }
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
        attempt.stop();
        backoff.stop();
        op.finish(outcome, outbox);
    }

    @Override
    public void onTick() {
        if (!op.busy()) return;
        attempt.tick();
        backoff.tick();
        if (op.tickOutOfTime(config.operationTicksMax())) {
            finish(op.timedOut(config.operationTicksMax(), attempt.ticking()));
            return;
        }
        if (attempt.fired()) {
            // the unanswered attempt may still be applied: from now on a failure is indefinite
            op.tryMayHaveApplied();
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
        op.putDetails(details);
        return new NodeStatus(id, "client", "client", 0, servers.get(target), servers, 0, details);
    }
}
