package io.replikv.core.raft;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Replies;
import io.replikv.core.msg.Reply;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.Prng;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Mode {@code raft}: the KV state machine replicated by a {@link RaftCore}. Writes are proposed as
 * log entries carrying the whole {@link Request}; every replica applies them in log order to its
 * {@link KvStateMachine}, whose session table gives at-most-once. The leader that proposed a write
 * answers it once it is applied, and only if the applied entry is the one it proposed; a leader
 * that loses leadership first answers Uncertain (the write may still commit under the next
 * leader, and the client retries with the same sequence number). Reads go by ReadIndex: no log
 * write, served once leadership is confirmed and the state machine has caught up.
 *
 * <p>A follower forwards client requests to the leader it knows and relays the reply with the
 * client's correlation; with no leader known it refuses with WRONG_SERVER. A request that came from
 * another member is never forwarded again, so two servers with stale ideas of the leader cannot
 * bounce it between them.
 */
public final class RaftKvServer implements Node {
    /** Writes a leader holds between proposal and apply; beyond it clients get BUSY. Bounds memory under overload. */
    public static final int PENDING_WRITES_MAX = 8192;
    /** Reads a leader holds between arrival and service; beyond it clients get BUSY. */
    public static final int PENDING_READS_MAX = 8192;
    /** Forwarded requests a follower remembers in order to relay their replies; the oldest is forgotten beyond it. */
    public static final int FORWARDS_MAX = 8192;
    /**
     * How long a follower remembers a forwarded request, in ticks: 500 (5 s at 10 ms ticks), well
     * beyond a client's attempt timeout, after which the client has retried and the relay is moot.
     */
    public static final long FORWARD_TICKS_MAX = 500;

    /**
     * Forward correlations start at a random 62-bit number, so that they never wrap and two
     * incarnations of a node practically never reuse one (a restart must not make a stale relayed
     * reply look like the answer to a new forward).
     */
    private static final int FORWARD_CORRELATION_SHIFT = 2;

    private record PendingWrite(NodeId client, long correlation, long term) {}

    private record PendingRead(NodeId client, long correlation, Command command) {}

    private record ReadyRead(long readId, long readIndex) {}

    private record Forward(NodeId client, long correlation, long sentTick) {}

    private final NodeId id;
    private final TreeSet<NodeId> memberSet;
    private final RaftConfig config;
    private final Outbox outbox = new Outbox();
    private final RaftCore core;
    private KvStateMachine stateMachine = new KvStateMachine();
    private long appliedIndex;

    private final TreeMap<Long, PendingWrite> pendingWrites = new TreeMap<>();
    private final LinkedHashMap<Long, PendingRead> pendingReads = new LinkedHashMap<>();
    private final ArrayDeque<ReadyRead> readyReads = new ArrayDeque<>();
    private long nextReadId;
    private final LinkedHashMap<Long, Forward> forwards = new LinkedHashMap<>();
    // starts at a random point: a reply to a forward of this node's previous incarnation (the
    // leader answers after a restart) must not match a forward of this one
    private long nextForwardCorrelation;
    private long ticks;

    /** A server of the group {@code members}; recovers its state machine and log from {@code storage}. */
    public RaftKvServer(NodeId id, List<NodeId> members, Storage storage, Prng prng, RaftConfig config) {
        this.id = id;
        this.memberSet = new TreeSet<>(members);
        this.config = config;
        this.core = new RaftCore(id, members, storage, prng, config, outbox);
        this.nextForwardCorrelation = prng.nextLong() >>> FORWARD_CORRELATION_SHIFT;
        pump();
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        switch (message) {
            case RaftMessage m -> core.onMessage(from, m);
            case ClientRequest request -> onClientRequest(from, request);
            case ClientReply reply -> onForwardedReply(reply);
            default -> { } // not ours: ignored, as from a stranger
        }
        pump();
    }

    @Override
    public void onTick() {
        ticks++;
        core.onTick();
        expireForwards();
        pump();
    }

    @Override
    public Effects drain() {
        return outbox.drain();
    }

    // ---------------------------------------------------------------- client requests

    private void onClientRequest(NodeId from, ClientRequest request) {
        String invalid = KvStateMachine.validate(request.request().command());
        if (invalid != null) {
            reply(from, request.correlation(), Replies.badRequest(invalid));
            return;
        }
        if (!core.isLeader()) {
            forwardOrRefuse(from, request);
        } else if (request.request().command().readOnly()) {
            startRead(from, request);
        } else {
            startWrite(from, request);
        }
    }

    private void startWrite(NodeId from, ClientRequest request) {
        if (pendingWrites.size() >= PENDING_WRITES_MAX) {
            reply(from, request.correlation(), busy("too many writes in flight"));
            return;
        }
        switch (core.propose(RequestCodec.encode(request.request()))) {
            case Proposal.Accepted a -> {
                Invariants.check(!pendingWrites.containsKey(a.index()), "two proposals at index %d", a.index());
                pendingWrites.put(a.index(), new PendingWrite(from, request.correlation(), a.term()));
            }
            case Proposal.NotLeader n -> forwardOrRefuse(from, request);
            case Proposal.Busy b -> reply(from, request.correlation(), busy(b.reason()));
        }
    }

    private void startRead(NodeId from, ClientRequest request) {
        if (pendingReads.size() >= PENDING_READS_MAX) {
            reply(from, request.correlation(), busy("too many reads in flight"));
            return;
        }
        long readId = ++nextReadId;
        pendingReads.put(readId, new PendingRead(from, request.correlation(), request.request().command()));
        core.requestRead(readId);
    }

    private void forwardOrRefuse(NodeId from, ClientRequest request) {
        NodeId leader = core.leader();
        if (leader == null || leader.equals(id) || memberSet.contains(from)) {
            String detail = leader == null ? "no leader known" : "not the leader";
            reply(from, request.correlation(), Replies.wrongServer(detail, leader));
            return;
        }
        long correlation = ++nextForwardCorrelation;
        forwards.put(correlation, new Forward(from, request.correlation(), ticks));
        if (forwards.size() > FORWARDS_MAX) {
            Iterator<Long> eldest = forwards.keySet().iterator();
            eldest.next();
            eldest.remove(); // its client has long retried; it will see no answer to that attempt
        }
        outbox.send(leader, new ClientRequest(correlation, request.request()));
    }

    private void onForwardedReply(ClientReply reply) {
        Forward f = forwards.remove(reply.correlation());
        if (f != null) outbox.send(f.client(), new ClientReply(f.correlation(), reply.reply()));
    }

    private void expireForwards() {
        Iterator<Map.Entry<Long, Forward>> it = forwards.entrySet().iterator();
        while (it.hasNext() && ticks - it.next().getValue().sentTick() > FORWARD_TICKS_MAX) it.remove();
    }

    private static Reply busy(String detail) {
        return new Reply.Rejected(Reply.RejectCode.BUSY, detail, null);
    }

    /** Replies go after persistence: nothing is answered that this node could forget in a crash. */
    private void reply(NodeId to, long correlation, Reply reply) {
        outbox.sendAfterPersist(to, new ClientReply(correlation, reply));
    }

    // ---------------------------------------------------------------- applying what the core hands out

    private void pump() {
        for (Apply a : core.takeApplies()) apply(a);
        for (ReadOutcome o : core.takeReadOutcomes()) onReadOutcome(o);
        serveReadyReads();
        abandonOrphanedWrites();
        maybeSnapshot();
    }

    private void apply(Apply a) {
        switch (a) {
            case Apply.Restore r -> {
                stateMachine = KvStateMachine.restore(r.snapshot().data());
                appliedIndex = r.snapshot().index();
                var covered = pendingWrites.headMap(appliedIndex, true);
                for (PendingWrite w : covered.values()) {
                    reply(w.client(), w.correlation(), new Reply.Uncertain("replaced by a snapshot before it was answered"));
                }
                covered.clear();
            }
            case Apply.Entry e -> applyEntry(e);
        }
    }

    private void applyEntry(Apply.Entry e) {
        Invariants.check(e.index() == appliedIndex + 1, "%s: applying %d after %d", id, e.index(), appliedIndex);
        appliedIndex = e.index();
        if (e.entry().noop()) return;
        Result result = stateMachine.apply(RequestCodec.decode(e.entry().payload()));
        PendingWrite w = pendingWrites.remove(e.index());
        if (w == null) return;
        Reply reply = w.term() == e.entry().term()
                ? Replies.of(result)
                : new Reply.Uncertain("another leader's entry took its place");
        reply(w.client(), w.correlation(), reply);
    }

    private void onReadOutcome(ReadOutcome o) {
        switch (o) {
            case ReadOutcome.Ready r -> readyReads.addLast(new ReadyRead(r.readId(), r.readIndex()));
            case ReadOutcome.Refused r -> {
                PendingRead read = pendingReads.remove(r.readId());
                if (read != null) reply(read.client(), read.correlation(), Replies.wrongServer(r.reason(), r.leaderHint()));
            }
        }
    }

    private void serveReadyReads() {
        while (!readyReads.isEmpty() && readyReads.peekFirst().readIndex() <= appliedIndex) {
            PendingRead read = pendingReads.remove(readyReads.pollFirst().readId());
            if (read != null) reply(read.client(), read.correlation(), Replies.of(stateMachine.read(read.command())));
        }
    }

    /** Writes proposed in a term this node no longer leads may or may not commit: say so, and let the client retry. */
    private void abandonOrphanedWrites() {
        if (pendingWrites.isEmpty()) return;
        Iterator<PendingWrite> it = pendingWrites.values().iterator();
        while (it.hasNext()) {
            PendingWrite w = it.next();
            if (core.isLeader() && core.term() == w.term()) continue;
            reply(w.client(), w.correlation(), new Reply.Uncertain("leadership lost before the write was applied"));
            it.remove();
        }
    }

    private void maybeSnapshot() {
        if (appliedIndex <= core.snapshotIndex()) return;
        boolean tooManyEntries = config.snapshotLogEntriesMax() > 0 && core.logEntries() > config.snapshotLogEntriesMax();
        boolean tooManyBytes = config.snapshotLogBytesMax() > 0 && core.persistedStateBytes() > config.snapshotLogBytesMax();
        if (tooManyEntries || tooManyBytes) core.compact(appliedIndex, stateMachine.snapshot());
    }

    // ---------------------------------------------------------------- state

    public KvStateMachine stateMachine() {
        return stateMachine;
    }

    /** The consensus core, for tests and the status page (do not drive it directly). */
    public RaftCore core() {
        return core;
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    /** Hands leadership to {@code target} (an operator action). */
    public TransferResult transferLeadership(NodeId target) {
        TransferResult r = core.transferLeadership(target);
        pump();
        return r;
    }

    @Override
    public NodeStatus status() {
        TreeMap<String, String> details = new TreeMap<>();
        details.put("commitIndex", Long.toString(core.commitIndex()));
        details.put("lastIndex", Long.toString(core.lastIndex()));
        details.put("snapshotIndex", Long.toString(core.snapshotIndex()));
        details.put("persistedStateBytes", Long.toString(core.persistedStateBytes()));
        details.put("keys", Integer.toString(stateMachine.size()));
        details.put("sessions", Integer.toString(stateMachine.sessions().size()));
        details.put("pendingWrites", Integer.toString(pendingWrites.size()));
        details.put("pendingReads", Integer.toString(pendingReads.size()));
        details.put("forwards", Integer.toString(forwards.size()));
        for (var e : core.matchIndexes().entrySet()) details.put("matchIndex." + e.getKey(), Long.toString(e.getValue()));
        if (core.transferTarget() != null) details.put("transferTarget", core.transferTarget().name());
        return new NodeStatus(id, "raft", core.role().name().toLowerCase(java.util.Locale.ROOT), core.term(),
                core.leader(), core.members(), appliedIndex, details);
    }
}
