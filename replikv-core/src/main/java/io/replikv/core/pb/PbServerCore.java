package io.replikv.core.pb;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.kv.Request;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Replies;
import io.replikv.core.msg.Reply;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.Timeout;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A server of mode {@code pb}: primary, backup or idle according to the view it last learned from
 * the view service (docs/pb.md).
 *
 * <p><b>Views.</b> It pings the view service every ping interval with the newest view number it
 * knows (0 after a start) and learns views only from the replies. It is <em>synced</em> when its
 * state machine is the replicated state for its role in the view it holds: the primary of view 1
 * (a new service, empty), a backup that installed a complete state transfer from the primary of its
 * view, or a member that stayed synced across consecutive views (a backup only while the primary
 * stays the same). Skipping a view, a new primary, or a restart loses it; a server that becomes
 * primary without being synced serves nothing and never acknowledges (the service waits, it never
 * answers from an empty state).
 *
 * <p><b>Requests.</b> Only a synced primary serves; one request at a time goes through a
 * <em>round</em>: a write is forwarded (the request, not its result, at the next index of the
 * primary's update stream) to every backup of the view and applied and answered only when all
 * accepted; a read is confirmed with every backup the same way, so a primary whose backups have
 * moved on to a newer view never answers, not even a Get. Forwards and chunks are retried until
 * accepted. A backup that holds a newer view with another primary says so in its refusal: the old
 * primary steps down at once, answering its pending requests WRONG_SERVER (never forwarded) or
 * UNCERTAIN (forwarded, perhaps applied by some backup). While it stays primary across a view
 * change it keeps the request in progress and finishes it in the new view (its index stays bound
 * to that request, which keeps retransmission detection at the backups exact).
 *
 * <p><b>State transfer.</b> A backup the primary has not synced (new in the view, or the primary is
 * new, or it refused as not synced) first receives the whole state machine (data and session
 * table), in chunks of at most {@link PbConfig#transferChunkBytesMax()} bytes, one at a time. The
 * primary starts no request while a transfer is unfinished and applies nothing during it (the
 * round in progress waits for the new backup too), so no update slips between the snapshot and the
 * forwards that follow.
 *
 * <p><b>Acknowledging a view.</b> The primary acknowledges a view (pings with its number) only when
 * every backup of the view holds the state, or after {@link PbConfig#ackWaitTicksMax()} ticks of
 * unfinished transfer. Acknowledging first would let the view service promote a backup that has no
 * state yet; acknowledging never while a new backup is dead would freeze the view service forever.
 * The bounded wait keeps both: a backup that took the state is promotable, and a backup that died
 * before taking it is replaced. Should an unsynced backup be promoted anyway, it refuses to serve
 * (see above), so the fallback costs availability, never correctness.
 *
 * <p><b>Other servers.</b> A server that is not the primary passes a client's request on to the
 * primary of its view and relays the answer back, or answers WRONG_SERVER when it knows no primary.
 *
 * <p><b>Durability</b> ({@link PbJournal}). A backup persists each update before its Accepted
 * leaves; the primary persists each update when it first forwards it and answers only once it is
 * durable, so an acknowledged write is on the disk of every member of the view. An installed
 * state transfer is written as a snapshot, and so is the state every
 * {@link PbConfig#snapshotLogEntries()} updates. The server also records the last view in which
 * it was synced. A restarted server recovers its state machine from its disk but holds no view
 * in memory: it pings 0 (a restart, as in the original design) and rejoins through a state
 * transfer — unless the view service, which has lost every member's memory, makes it primary on
 * the strength of the <em>claim</em> it pings while unsynced ("synced member of view w, index
 * i": {@code viewservice.RecoveryRule}); then its recovered state is the replicated state.
 */
public final class PbServerCore implements Node {
    /** A client request waiting for (or in) a round. */
    private record Pending(NodeId from, long correlation, Request request) {}

    /** The request in progress: the backups that accepted round {@code operation} of it. */
    private static final class Round {
        final Pending pending;
        final long index; // 0 for a read, else its index in the update stream
        long operation;
        boolean forwarded;
        boolean persisted; // the update is in this primary's journal (it applies it when the round ends)
        final TreeSet<NodeId> accepted = new TreeSet<>();

        Round(Pending pending, long index, long operation) {
            this.pending = pending;
            this.index = index;
            this.operation = operation;
        }
    }

    /** A state transfer to one backup: {@code next} is the chunk sent and not yet accepted. */
    private record Transfer(long operation, List<Bytes> chunks, long index, int next) {
        Transfer advanced() {
            return new Transfer(operation, chunks, index, next + 1);
        }
    }

    /** A state transfer being received. */
    private record Incoming(long operation, int chunkCount, List<Bytes> chunks) {}

    /** A client request passed on to the primary, waiting for its answer. */
    private record RelayEntry(NodeId client, long correlation, NodeId primary, long startTick, boolean readOnly) {}

    /**
     * Ping intervals without an answer after which a server pings the next member of a replicated
     * view service: two, so that one lost reply does not move it, while a dead member costs far less
     * than the view service's dead time (servers must reach the leader well within it).
     */
    public static final int VIEW_SERVICE_SILENT_PINGS_MAX = 2;

    private final NodeId id;
    private final List<NodeId> viewServices; // the members of the view service, pinged one at a time
    private int viewServiceIndex;             // the member pinged now
    private long viewServiceSilentTicks;      // since that member last answered
    private final PbConfig config;
    private final Outbox outbox = new Outbox();
    private PbJournal journal;
    private long syncedViewNumber; // the last view in which this server was synced, as recorded on disk
    private final Timeout pingTimer;
    private final Timeout retryTimer;
    private long now;

    // the replicated state: the state machine after `index` updates of the primary's stream
    private KvStateMachine stateMachine = new KvStateMachine();
    private long index;
    private Request lastForwarded; // the update at `index` if it arrived as a forward

    private View view = View.INITIAL;
    private boolean synced;
    private boolean pinged;
    private long reportedNumber;   // the number of the last ping sent
    private long confirmedNumber;  // the newest nonzero ping number the view service answered
    private long deposedBelow;     // > 0: a backup holds this view under another primary; serve nothing
    private NodeId deposedBy;

    // primary
    private long maxPingedNumber; // the highest view number pinged in this life (since the constructor)
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private Round round;
    private long operationSeq;
    private final TreeMap<NodeId, Transfer> transfers = new TreeMap<>();
    private final TreeSet<NodeId> syncedBackups = new TreeSet<>();
    private long ackWaitTicks;

    // backup
    private Incoming incoming;

    // any role
    private final TreeMap<Long, RelayEntry> relays = new TreeMap<>();
    private long relaySeq;

    public PbServerCore(NodeId id, NodeId viewService, PbConfig config) {
        this(id, List.of(viewService), config);
    }

    /**
     * A server of a replicated view service with members {@code viewServices}: it pings one member
     * and moves on to the next after {@link #VIEW_SERVICE_SILENT_PINGS_MAX} ping intervals without
     * an answer (any member relays to the leader, so one that answers is as good as another).
     */
    public PbServerCore(NodeId id, List<NodeId> viewServices, PbConfig config) {
        this(id, viewServices, config, new MemoryStorage());
    }

    /** A server of a (possibly replicated) view service that recovers from {@code recovered}. */
    public PbServerCore(NodeId id, List<NodeId> viewServices, PbConfig config, Storage recovered) {
        Invariants.check(!viewServices.isEmpty(), "%s: no view service to ping", id);
        this.id = id;
        this.viewServices = List.copyOf(viewServices);
        this.config = config;
        this.pingTimer = new Timeout("ping", config.pingIntervalTicks());
        this.retryTimer = new Timeout("retry", config.retryTicks());
        recover(recovered);
    }

    /**
     * A server that recovers its state machine and the last view it was synced in from
     * {@code recovered} (see the class comment: it still rejoins as a restarted server).
     */
    public PbServerCore(NodeId id, NodeId viewService, PbConfig config, Storage recovered) {
        this(id, List.of(viewService), config, recovered);
    }

    private void recover(Storage storage) {
        PbJournal.Recovered r = PbJournal.read(storage);
        stateMachine = r.stateMachine();
        index = r.index();
        lastForwarded = r.lastUpdate();
        syncedViewNumber = r.synced() ? r.view().number() : 0;
        journal = new PbJournal(outbox, config.snapshotLogEntries(), r);
    }
    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        switch (message) {
            case ViewServiceMessage.PingReply reply -> onPingReply(from, reply);
            case ClientRequest request -> onClientRequest(from, request.correlation(), request.request(), false);
            case PbMessage.Relay relay -> onClientRequest(from, relay.correlation(), relay.request(), true);
            case ClientReply reply -> onRelayedReply(from, reply);
            case PbMessage.Forward forward -> onForward(from, forward);
            case PbMessage.Confirm confirm -> onConfirm(from, confirm);
            case PbMessage.StateChunk chunk -> onStateChunk(from, chunk);
            case PbMessage.Accepted accepted -> onAccepted(from, accepted);
            case PbMessage.ChunkAccepted accepted -> onChunkAccepted(from, accepted);
            case PbMessage.Refused refused -> onRefused(from, refused);
            default -> { } // not for a pb server
        }
    }

    @Override
    public void onTick() {
        now++;
        viewServiceSilentTicks++;
        pingTimer.tick();
        if (!pinged || pingTimer.fired()) sendPing();
        retryTimer.tick();
        if (retryTimer.fired()) onRetry();
        if (view.isPrimary(id) && synced && !allBackupsSynced()) {
            ackWaitTicks++;
            if (ackWaitTicks == config.ackWaitTicksMax()) maybeAcknowledge();
        }
        expireRelays();
    }

    // ---- the view ----

    private void sendPing() {
        reportedNumber = numberToReport();
        if (viewServices.size() > 1 && viewServiceSilentTicks >= VIEW_SERVICE_SILENT_PINGS_MAX * config.pingIntervalTicks()) {
            viewServiceIndex = (viewServiceIndex + 1) % viewServices.size(); // silent: down, cut off, or no leader known
            viewServiceSilentTicks = 0;
        }
        // unsynced, this server's disk may still be what the view service needs after losing every member
        boolean claim = !synced && syncedViewNumber > 0;
        var ping = new ViewServiceMessage.Ping(reportedNumber, claim ? syncedViewNumber : 0, claim ? index : 0);
        // a primary's acknowledgement of view v leaves only once "synced in v" is on disk, so the claim
        // a whole-cluster crash leaves is never older than a view it acknowledged (swarm seed 100123)
        boolean acknowledges = view.isPrimary(id) && reportedNumber == view.number() && reportedNumber > 0;
        if (acknowledges) {
            outbox.sendAfterPersist(viewServices.get(viewServiceIndex), ping);
        } else {
            outbox.send(viewServices.get(viewServiceIndex), ping);
        }
        pinged = true;
        maxPingedNumber = Math.max(maxPingedNumber, reportedNumber);
        pingTimer.start();
    }

    /** The view number to ping with: the view held, except a primary holds back its acknowledgement. */
    private long numberToReport() {
        if (!view.isPrimary(id)) return view.number();
        boolean ready = synced && deposedBelow == 0
                && (allBackupsSynced() || ackWaitTicks >= config.ackWaitTicksMax());
        return ready ? view.number() : reportedNumber;
    }

    /** Pings at once when the acknowledgement of the view just became due, rather than at the next interval. */
    private void maybeAcknowledge() {
        if (view.isPrimary(id) && numberToReport() > reportedNumber) sendPing();
    }

    private void onPingReply(NodeId from, ViewServiceMessage.PingReply reply) {
        if (!viewServices.contains(from)) return;
        // the answer to a number this life never pinged is the late answer to an earlier life's ping:
        // learning a view from it, a restarted server would ping that number instead of 0, and the
        // view service would never see the restart (it would count on state this life lost)
        if (reply.pingedNumber() > maxPingedNumber) return;
        if (from.equals(viewServices.get(viewServiceIndex))) viewServiceSilentTicks = 0;
        if (reply.pingedNumber() > 0) confirmedNumber = Math.max(confirmedNumber, reply.pingedNumber());
        if (reply.view().number() > view.number()) becomeView(reply.view(), reply.fromRecoveredData());
        maybeStartNext();
    }

    private void becomeView(View next, boolean fromRecoveredData) {
        View previous = view;
        boolean wasPrimary = previous.isPrimary(id) && synced && deposedBelow == 0;
        // the view service made us primary because our disk provably holds every acknowledged write
        boolean vouched = fromRecoveredData && !synced && next.isPrimary(id) && syncedViewNumber > 0
                && next.number() > syncedViewNumber;
        synced = vouched || syncedIn(previous, next);
        view = next;
        if (synced) recordSynced();
        if (deposedBelow > 0 && next.number() >= deposedBelow) {
            deposedBelow = 0;
            deposedBy = null;
        }
        incoming = null;
        if (next.isPrimary(id) && synced && deposedBelow == 0) {
            continueAsPrimary(wasPrimary);
        } else {
            stopServing(next.primary());
        }
        maybeAcknowledge();
    }

    /** Whether this server's state is still the replicated state for its role in {@code next}. */
    private boolean syncedIn(View previous, View next) {
        if (next.number() == 1) return next.isPrimary(id) && index == 0; // a new service starts empty
        if (!synced || next.number() != previous.number() + 1) return false; // a skipped view may have had writes we missed
        if (next.isPrimary(id)) return previous.isMember(id);
        if (next.isBackup(id)) return previous.isBackup(id) && next.primary().equals(previous.primary());
        return false;
    }

    private void continueAsPrimary(boolean wasPrimary) {
        if (!wasPrimary) syncedBackups.clear(); // a new primary's stream: every backup needs its state
        syncedBackups.retainAll(view.backups());
        transfers.clear();
        ackWaitTicks = 0;
        for (NodeId backup : view.backups()) {
            if (!syncedBackups.contains(backup)) startTransfer(backup);
        }
        restartRound();
    }

    private void stopServing(NodeId hint) {
        abandonRequests(hint != null && hint.equals(id) ? null : hint);
        transfers.clear();
        syncedBackups.clear();
        ackWaitTicks = 0;
    }

    private void becomeDeposed(long heldViewNumber, NodeId newerPrimary) {
        deposedBelow = heldViewNumber;
        deposedBy = newerPrimary;
        stopServing(newerPrimary);
    }

    /** Answers every request of the primary that can no longer be served here. */
    private void abandonRequests(NodeId hint) {
        if (round != null) {
            Reply reply = round.index > 0 && (round.forwarded || round.persisted)
                    ? new Reply.Uncertain("view changed while the write was being forwarded; retry with the same request")
                    : Replies.wrongServer("no longer the primary", hint);
            reply(round.pending, reply);
            round = null;
        }
        for (Pending p : queue) reply(p, Replies.wrongServer("no longer the primary", hint));
        queue.clear();
    }

    // ---- client requests (primary) ----

    private boolean servingRole() {
        return view.isPrimary(id) && synced && deposedBelow == 0;
    }

    private boolean readyToServe() {
        return servingRole() && confirmedNumber > 0 && allBackupsSynced();
    }

    private boolean allBackupsSynced() {
        return syncedBackups.containsAll(view.backups());
    }

    private void onClientRequest(NodeId from, long correlation, Request request, boolean relayed) {
        String invalid = KvStateMachine.validate(request.command());
        if (invalid != null) {
            outbox.send(from, new ClientReply(correlation, Replies.badRequest(invalid)));
            return;
        }
        if (!servingRole()) {
            NodeId primary = deposedBelow > 0 ? deposedBy : view.primary();
            if (!relayed && primary != null && !primary.equals(id)) {
                relay(from, correlation, request, primary);
            } else {
                String why = view.isPrimary(id) && !synced
                        ? "primary of view " + view.number() + " without the state: the service waits"
                        : "not the primary of view " + view.number();
                outbox.send(from, new ClientReply(correlation,
                        Replies.wrongServer(why, primary != null && !primary.equals(id) ? primary : null)));
            }
            return;
        }
        if (queued(from, correlation)) return; // a retransmission of a request already waiting or in progress
        if (queue.size() >= config.pendingRequestsMax()) {
            outbox.send(from, new ClientReply(correlation, new Reply.Rejected(Reply.RejectCode.BUSY,
                    queue.size() + " requests waiting at the primary", null)));
            return;
        }
        queue.add(new Pending(from, correlation, request));
        maybeStartNext();
    }

    private boolean queued(NodeId from, long correlation) {
        if (round != null && round.pending.from().equals(from) && round.pending.correlation() == correlation) return true;
        for (Pending p : queue) {
            if (p.from().equals(from) && p.correlation() == correlation) return true;
        }
        return false;
    }

    /** Records on disk that this server is synced in its view (its data is that view's replicated state). */
    private void recordSynced() {
        journal.viewHeld(view, true);
        syncedViewNumber = view.number();
    }

    private void maybeStartNext() {
        while (round == null && !queue.isEmpty() && readyToServe()) {
            Pending p = queue.poll();
            boolean read = p.request().command().readOnly();
            round = new Round(p, read ? 0 : index + 1, ++operationSeq);
            sendRound();
            if (roundComplete()) {
                finishRound();
            } else if (!retryTimer.ticking()) {
                retryTimer.start();
            }
        }
    }

    private void sendRound() {
        if (round == null) return;
        for (NodeId backup : view.backups()) {
            if (!syncedBackups.contains(backup) || round.accepted.contains(backup)) continue;
            if (round.index == 0) {
                outbox.send(backup, new PbMessage.Confirm(view.number(), round.operation, index));
            } else {
                persistRound(round);
                outbox.send(backup, new PbMessage.Forward(view.number(), round.operation, round.index,
                        round.pending.request()));
                round.forwarded = true;
            }
        }
    }

    /** A new round of the request in progress: acceptances of earlier rounds no longer count. */
    private void restartRound() {
        if (round == null) return;
        round.operation = ++operationSeq;
        round.accepted.clear();
        sendRound();
        if (!retryTimer.ticking()) retryTimer.start();
    }

    /** Journals the round's update once, as it is first forwarded (in parallel with the backups' writes). */
    private void persistRound(Round r) {
        if (r.persisted) return;
        journal.update(r.index, r.pending.request());
        r.persisted = true;
    }

    private boolean roundComplete() {
        return round != null && round.accepted.containsAll(view.backups());
    }

    private void finishRound() {
        Round done = round;
        round = null;
        Reply reply;
        if (done.index == 0) {
            reply = new Reply.Applied(stateMachine.read(done.pending.request().command()));
        } else {
            Invariants.check(done.index == index + 1, "%s: round of update %d after %d", id, done.index, index);
            persistRound(done); // without backups nothing was forwarded, so it is not in the journal yet
            reply = Replies.of(stateMachine.apply(done.pending.request()));
            index = done.index;
            lastForwarded = done.pending.request();
            maybeSnapshot();
        }
        // an answer (a read too) leaves only once every update it reflects is durable here as well
        outbox.sendAfterPersist(done.pending.from(), new ClientReply(done.pending.correlation(), reply));
    }

    private void maybeSnapshot() {
        if (journal.snapshotDue()) journal.snapshot(index, stateMachine);
    }

    private void reply(Pending p, Reply reply) {
        outbox.send(p.from(), new ClientReply(p.correlation(), reply));
    }

    private void onAccepted(NodeId from, PbMessage.Accepted accepted) {
        if (round == null || accepted.operation() != round.operation || !syncedBackups.contains(from)) return;
        round.accepted.add(from);
        if (roundComplete()) {
            finishRound();
            maybeStartNext();
        }
    }

    private void onRefused(NodeId from, PbMessage.Refused refused) {
        if (!view.isPrimary(id) || deposedBelow > 0) return;
        if (refused.heldViewNumber() > view.number()) {
            // a backup is ahead: under another primary this primary is replaced; else its next ping brings the view
            if (refused.heldPrimary() != null && !refused.heldPrimary().equals(id)) {
                becomeDeposed(refused.heldViewNumber(), refused.heldPrimary());
            }
            return;
        }
        Transfer transfer = transfers.get(from);
        boolean current = (round != null && refused.operation() == round.operation)
                || (transfer != null && transfer.operation() == refused.operation());
        if (!current || !view.isBackup(from) || !synced) return;
        switch (refused.reason()) {
            case NOT_SYNCED, OUT_OF_ORDER -> startTransfer(from);
            case WRONG_VIEW, NOT_PRIMARY, NOT_BACKUP -> { } // the backup lags behind; the retry timer sends again
        }
    }

    private void onRetry() {
        for (Map.Entry<NodeId, Transfer> e : transfers.entrySet()) sendChunk(e.getKey(), e.getValue());
        sendRound();
        if (transfers.isEmpty() && round == null) {
            retryTimer.stop();
        } else {
            retryTimer.start();
        }
    }

    // ---- state transfer (primary) ----

    private void startTransfer(NodeId backup) {
        Bytes snapshot = stateMachine.snapshot();
        List<Bytes> chunks = new ArrayList<>();
        byte[] all = snapshot.unsafeArray();
        for (int at = 0; at < all.length; at += config.transferChunkBytesMax()) {
            int end = Math.min(all.length, at + config.transferChunkBytesMax());
            chunks.add(Bytes.wrap(Arrays.copyOfRange(all, at, end)));
        }
        Invariants.check(!chunks.isEmpty(), "empty snapshot");
        Transfer transfer = new Transfer(++operationSeq, List.copyOf(chunks), index, 0);
        transfers.put(backup, transfer);
        syncedBackups.remove(backup);
        sendChunk(backup, transfer);
        restartRound(); // an acceptance from before the transfer may be of state the transfer overwrites
        if (!retryTimer.ticking()) retryTimer.start();
    }

    private void sendChunk(NodeId backup, Transfer t) {
        outbox.send(backup, new PbMessage.StateChunk(view.number(), t.operation(), t.next(), t.chunks().size(),
                t.index(), t.chunks().get(t.next())));
    }

    private void onChunkAccepted(NodeId from, PbMessage.ChunkAccepted accepted) {
        Transfer t = transfers.get(from);
        if (t == null || t.operation() != accepted.operation() || t.next() != accepted.chunkIndex()) return;
        Transfer advanced = t.advanced();
        if (advanced.next() < advanced.chunks().size()) {
            transfers.put(from, advanced);
            sendChunk(from, advanced);
            return;
        }
        transfers.remove(from);
        syncedBackups.add(from);
        sendRound(); // the request in progress, if any, now goes to this backup too
        maybeAcknowledge();
        maybeStartNext();
    }

    // ---- backup ----

    /** Why this server refuses a message of the primary of view {@code viewNumber} from {@code from}; null if it accepts. */
    private PbMessage.Refusal refusal(NodeId from, long viewNumber, boolean needSynced) {
        if (viewNumber != view.number()) return PbMessage.Refusal.WRONG_VIEW;
        if (!view.isPrimary(from)) return PbMessage.Refusal.NOT_PRIMARY;
        if (!view.isBackup(id)) return PbMessage.Refusal.NOT_BACKUP;
        if (needSynced && !synced) return PbMessage.Refusal.NOT_SYNCED;
        return null;
    }

    private void refuse(NodeId to, long viewNumber, long operation, PbMessage.Refusal reason) {
        outbox.send(to, new PbMessage.Refused(viewNumber, operation, reason, view.number(), view.primary()));
    }

    private void onForward(NodeId from, PbMessage.Forward forward) {
        PbMessage.Refusal refusal = refusal(from, forward.viewNumber(), true);
        if (refusal != null) {
            refuse(from, forward.viewNumber(), forward.operation(), refusal);
            return;
        }
        if (forward.index() == index + 1) {
            stateMachine.apply(forward.request());
            index = forward.index();
            lastForwarded = forward.request();
            journal.update(index, forward.request());
            maybeSnapshot();
        } else if (forward.index() == index && forward.request().equals(lastForwarded)) {
            // a retransmission of the update applied last: accept again, do not apply
        } else if (forward.index() <= index) {
            return; // an old retransmission the primary no longer waits for
        } else {
            synced = false; // we missed updates: only a transfer can mend that
            refuse(from, forward.viewNumber(), forward.operation(), PbMessage.Refusal.NOT_SYNCED);
            return;
        }
        outbox.sendAfterPersist(from, new PbMessage.Accepted(forward.viewNumber(), forward.operation()));
    }

    private void onConfirm(NodeId from, PbMessage.Confirm confirm) {
        PbMessage.Refusal refusal = refusal(from, confirm.viewNumber(), true);
        if (refusal == null && confirm.index() < index) return; // an old retransmission
        if (refusal == null && confirm.index() > index) {
            synced = false;
            refusal = PbMessage.Refusal.NOT_SYNCED;
        }
        if (refusal != null) {
            refuse(from, confirm.viewNumber(), confirm.operation(), refusal);
            return;
        }
        outbox.sendAfterPersist(from, new PbMessage.Accepted(confirm.viewNumber(), confirm.operation()));
    }

    private void onStateChunk(NodeId from, PbMessage.StateChunk chunk) {
        PbMessage.Refusal refusal = refusal(from, chunk.viewNumber(), false);
        if (refusal != null) {
            refuse(from, chunk.viewNumber(), chunk.operation(), refusal);
            return;
        }
        if (chunk.chunkIndex() == 0 && (incoming == null || chunk.operation() > incoming.operation())) {
            incoming = new Incoming(chunk.operation(), chunk.chunkCount(), new ArrayList<>());
            synced = false; // our state is about to be replaced
        }
        if (incoming == null || chunk.operation() < incoming.operation()) return; // an old transfer's retransmission
        int held = incoming.chunks().size();
        boolean fits = chunk.operation() == incoming.operation() && chunk.chunkCount() == incoming.chunkCount()
                && chunk.data().length() <= PbConfig.TRANSFER_CHUNK_BYTES_MAX;
        if (!fits || chunk.chunkIndex() > held) {
            refuse(from, chunk.viewNumber(), chunk.operation(), PbMessage.Refusal.OUT_OF_ORDER);
            return;
        }
        if (chunk.chunkIndex() == held) {
            incoming.chunks().add(chunk.data());
            if (incoming.chunks().size() == incoming.chunkCount()) install(chunk.index());
        }
        // the last chunk's acceptance promises the installed state is durable
        outbox.sendAfterPersist(from, new PbMessage.ChunkAccepted(chunk.viewNumber(), chunk.operation(), chunk.chunkIndex()));
    }

    private void install(long transferredIndex) {
        long total = 0;
        for (Bytes part : incoming.chunks()) total += part.length();
        Invariants.check(total <= Integer.MAX_VALUE, "%s: transferred state of %d bytes", id, total);
        byte[] whole = new byte[(int) total];
        int at = 0;
        for (Bytes part : incoming.chunks()) {
            System.arraycopy(part.unsafeArray(), 0, whole, at, part.length());
            at += part.length();
        }
        stateMachine = KvStateMachine.restore(Bytes.wrap(whole));
        index = transferredIndex;
        lastForwarded = null;
        synced = true;
        journal.snapshot(index, stateMachine);
        recordSynced();
    }

    // ---- relaying for clients that reached a server that is not the primary ----

    private void relay(NodeId client, long correlation, Request request, NodeId primary) {
        for (RelayEntry e : relays.values()) {
            if (e.client().equals(client) && e.correlation() == correlation) return; // already on its way
        }
        if (relays.size() >= PbConfig.RELAYS_MAX) {
            outbox.send(client, new ClientReply(correlation, new Reply.Rejected(Reply.RejectCode.BUSY,
                    relays.size() + " requests being relayed", primary)));
            return;
        }
        long relayCorrelation = ++relaySeq;
        relays.put(relayCorrelation, new RelayEntry(client, correlation, primary, now, request.command().readOnly()));
        outbox.send(primary, new PbMessage.Relay(relayCorrelation, request));
    }

    private void onRelayedReply(NodeId from, ClientReply reply) {
        RelayEntry e = relays.get(reply.correlation());
        if (e == null || !e.primary().equals(from)) return;
        relays.remove(reply.correlation());
        outbox.send(e.client(), new ClientReply(e.correlation(), reply.reply()));
    }

    private void expireRelays() {
        Iterator<RelayEntry> it = relays.values().iterator();
        while (it.hasNext()) {
            RelayEntry e = it.next();
            if (now - e.startTick() < config.relayTicksMax()) continue;
            it.remove();
            String why = "no answer from primary " + e.primary() + " within " + config.relayTicksMax() + " ticks";
            outbox.send(e.client(), new ClientReply(e.correlation(),
                    e.readOnly() ? Replies.wrongServer(why, null) : new Reply.Uncertain(why)));
        }
    }

    // ---- inspection ----

    public View view() {
        return view;
    }

    /** True when this server's state is the replicated state for its role in its view. */
    public boolean synced() {
        return synced;
    }

    /** True when this server is the primary and would start a request now. */
    public boolean serving() {
        return readyToServe();
    }

    public KvStateMachine stateMachine() {
        return stateMachine;
    }

    /** Updates applied through the primary's stream (the position in it). */
    public long index() {
        return index;
    }

    @Override
    public Effects drain() {
        return outbox.drain();
    }

    @Override
    public NodeStatus status() {
        TreeMap<String, String> details = new TreeMap<>();
        details.put("synced", Boolean.toString(synced));
        details.put("acknowledged", Boolean.toString(view.isPrimary(id) && reportedNumber == view.number()
                && confirmedNumber >= view.number()));
        details.put("reportedViewNumber", Long.toString(reportedNumber));
        details.put("deposed", Boolean.toString(deposedBelow > 0));
        details.put("queued", Integer.toString(queue.size() + (round == null ? 0 : 1)));
        details.put("transfersPending", transfers.keySet().toString());
        details.put("syncedBackups", syncedBackups.toString());
        details.put("relays", Integer.toString(relays.size()));
        details.put("keys", Integer.toString(stateMachine.size()));
        details.put("sessions", Integer.toString(stateMachine.sessions().size()));
        details.put("syncedViewNumber", Long.toString(syncedViewNumber));
        if (!synced && syncedViewNumber > 0) {
            details.put("recovered", "synced member of view " + syncedViewNumber + " at index " + index
                    + "; waits for a state transfer, or for the view service to make it primary");
        }
        return new NodeStatus(id, "pb", view.roleOf(id), view.number(), view.primary(), view.members(), index, details);
    }
}
