package io.replikv.core.twophase;

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
import io.replikv.core.twophase.GroupViewMessage.CaughtUp;
import io.replikv.core.twophase.GroupViewMessage.Freeze;
import io.replikv.core.twophase.GroupViewMessage.Frozen;
import io.replikv.core.twophase.GroupViewMessage.Install;
import io.replikv.core.twophase.GroupViewMessage.Ping;
import io.replikv.core.twophase.GroupViewMessage.Settle;
import io.replikv.core.twophase.GroupViewMessage.SettleAnswer;
import io.replikv.core.twophase.GroupViewMessage.SettleQuery;
import io.replikv.core.twophase.GroupViewMessage.Settled;
import io.replikv.core.twophase.GroupViewMessage.ViewReply;
import io.replikv.core.twophase.TwoPcMessage.Abort;
import io.replikv.core.twophase.TwoPcMessage.Applied;
import io.replikv.core.twophase.TwoPcMessage.Commit;
import io.replikv.core.twophase.TwoPcMessage.Inquire;
import io.replikv.core.twophase.TwoPcMessage.Prepare;
import io.replikv.core.twophase.TwoPcMessage.Stable;
import io.replikv.core.twophase.TwoPcMessage.StateTransfer;
import io.replikv.core.twophase.TwoPcMessage.Vote;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.Prng;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A replica of mode 2pc: all replicas are equal; any member of the current view coordinates a
 * client's write as a two-phase commit over every member of that view, and serves reads locally.
 *
 * <p><b>Writes.</b> The coordinator gives the write a transaction id (view, itself, attempt) and
 * sends Prepare to every member (itself included, locally). A participant votes yes only if it
 * holds the same view, is not frozen for a view change, and the key is not locked by another
 * transaction (no waiting, so no deadlock); it locks the key, records the prepare and votes only
 * once that is durable. All yes: the coordinator commits at the largest proposed timestamp; any
 * no or a vote timeout: it aborts everywhere and retries with a new id after a jittered backoff,
 * up to {@link TwoPcConfig#txnAttemptsMax} attempts, then answers Rejected(BUSY) (definite: every
 * attempt was aborted). Committed writes are applied in timestamp order ({@link CommitOrder}),
 * the same on every replica. The coordinator answers the client once every member applied, and
 * then tells the members the write is stable.
 *
 * <p><b>Reads</b> are served by any member holding a read lease from the group view service
 * ({@link TwoPcConfig#leaseTicks()}: it runs out before a view without this replica can form).
 * A read of a key that is locked (a prepared, undecided or unapplied write) or whose last write
 * is not yet stable waits. So a read never returns a value that a later read could contradict: a
 * stable write is applied at every member and so at every later view's members; an acknowledged
 * write is stable or applied here.
 *
 * <p><b>At most once.</b> Writes carry the client's {@link Request}; the session table in the
 * state machine is applied in the same order everywhere, so a retried request (even through
 * another coordinator, serialized by the key's lock) is recognised as a duplicate everywhere.
 *
 * <p><b>View changes</b> follow {@link GroupViewCore}'s rule: a frozen replica neither prepares
 * nor decides; the settlement commits what any survivor committed and aborts the rest; on
 * install a coordinator answers its settled writes and retries its aborted ones in the new view.
 * A replica that learns it is out of the view answers its clients (definite if it never decided
 * commit, Uncertain otherwise), stops serving and rejoins through a state transfer.
 *
 * <p><b>Restarts.</b> A restarted replica replays its journal ({@link ReplicaJournal}): the state
 * of the view it last installed, with the transactions it prepared and decided in it. It is no
 * member (it votes and serves nothing) and pings that view number as its <em>claim</em>. Usually
 * the others go on and it rejoins through a state transfer, as before. When no member of the view
 * survived (every process was killed at once), the group view service freezes and settles the
 * restarted members whose claims qualify, exactly as it does survivors, and installs the next view
 * with them (docs/2pc.md, "Whole-group crash"). A replica that restarts with an empty journal
 * says so in its pings; if every member of view 1 does, view 1 served nothing and the service
 * starts the group afresh with a <em>fresh</em> Install, which only a replica holding nothing accepts.
 */
public final class TwoPcReplicaCore implements Node {
    private enum Phase { PREPARING, COMMITTING, BACKOFF }

    /** A write this replica coordinates, across its attempts. */
    private static final class Coordinated {
        final NodeId client;
        final long correlation;
        final Request request;
        int attempts;
        Phase phase;
        TxnId txn;
        long timestamp;
        long phaseStartTick;
        long lastSendTick;
        long retryAtTick;
        final TreeSet<NodeId> votes = new TreeSet<>();
        final TreeSet<NodeId> applied = new TreeSet<>();
        Result result;

        Coordinated(NodeId client, long correlation, Request request) {
            this.client = client;
            this.correlation = correlation;
            this.request = request;
        }
    }

    /** A transaction prepared here and not yet applied or aborted. */
    private static final class Prepared {
        final TxnId txn;
        final Request request;
        final long preparedTick;
        long lastInquireTick;

        Prepared(TxnId txn, Request request, long preparedTick) {
            this.txn = txn;
            this.request = request;
            this.preparedTick = preparedTick;
            this.lastInquireTick = preparedTick;
        }

        Bytes key() {
            return request.command().key();
        }
    }

    private record WaitingRead(NodeId client, long correlation, Command command, long sinceTick) {}

    /**
     * Ping intervals without an answer after which a replica pings the next member of a replicated
     * group view service: two, as a pb server does ({@code PbServerCore.VIEW_SERVICE_SILENT_PINGS_MAX}),
     * so that one lost reply does not move it, while a dead member costs two intervals, under the
     * dead time ({@code deadPings} intervals, 5 by default): a replica reaches a live member before
     * the service could take it for dead (docs/viewservice.md).
     */
    public static final int VIEW_SERVICE_SILENT_PINGS_MAX = 2;

    private final NodeId id;
    private final List<NodeId> peers;
    private final List<NodeId> viewServices; // the members of the group view service, pinged one at a time
    private int viewServiceIndex;             // the member pinged now
    private long viewServiceSilentTicks;      // since that member last answered a ping
    private final TwoPcConfig config;
    private final Prng prng;
    private final Outbox outbox = new Outbox();
    private final long incarnation;
    private final ReplicaJournal journal;

    private long now;
    private long lastPingTick = Long.MIN_VALUE / 2;
    private long leaseUntilTick = Long.MIN_VALUE;
    private KvStateMachine stateMachine = new KvStateMachine();
    private GroupView view = GroupView.NONE; // installed, or the latest seen when out of the view
    private boolean member;
    private long frozenFor;
    private boolean settled;
    private long caughtUpFor;
    private long caughtUpAttempt;
    private long viewsInstalled;
    private long recoveredView; // > 0: replayed from the journal of this installed view, not yet a member again

    // participant
    private final TreeMap<Bytes, TxnId> locks = new TreeMap<>();
    private final TreeMap<TxnId, Prepared> prepared = new TreeMap<>();
    private CommitOrder order = new CommitOrder();
    private TxnMemory memory = new TxnMemory(0);
    private final TreeMap<Bytes, CommitDecision> lastCommitted = new TreeMap<>();
    private final TreeMap<Bytes, TxnId> unstableKeys = new TreeMap<>();
    private final TreeMap<TxnId, Bytes> unstableTxns = new TreeMap<>();
    private final ArrayDeque<WaitingRead> waitingReads = new ArrayDeque<>();

    // coordinator
    private long txnSeq;
    private final TreeMap<TxnId, Coordinated> active = new TreeMap<>();
    private final List<Coordinated> backingOff = new ArrayList<>();
    private long commits;
    private long aborts;

    /**
     * @param peers       every configured replica of the group (this one included), for status and discovery
     * @param viewService the group view service's node id
     * @param recovered   the replica's disk: its journal is replayed (see the class comment and
     *                    docs/2pc.md, "Whole-group crash")
     */
    public TwoPcReplicaCore(NodeId id, List<NodeId> peers, NodeId viewService, TwoPcConfig config, Prng prng,
                            Storage recovered) {
        this(id, peers, List.of(viewService), config, prng, recovered);
    }

    /**
     * A replica of a group whose view service is replicated over {@code viewServices}: it pings one
     * member and moves on to the next after {@link #VIEW_SERVICE_SILENT_PINGS_MAX} ping intervals
     * without an answer; it accepts the service's messages from any member, and answers a request
     * of the service to the member that sent it.
     */
    public TwoPcReplicaCore(NodeId id, List<NodeId> peers, List<NodeId> viewServices, TwoPcConfig config, Prng prng,
                            Storage recovered) {
        Invariants.check(peers.contains(id), "replica %s is not among its peers %s", id, peers);
        Invariants.check(!viewServices.isEmpty(), "replica %s has no view service to ping", id);
        this.id = id;
        this.peers = peers.stream().sorted().distinct().toList();
        this.viewServices = List.copyOf(viewServices);
        this.config = config;
        this.prng = prng;
        this.incarnation = prng.nextLong();
        this.journal = new ReplicaJournal(outbox, recovered);
        recover(recovered);
    }

    /** Journal records found at recovery that belonged to no installed view (shown in status). */
    private long discardedJournalRecords;

    /** Replays the journal: the state and the transactions of the view last installed, if one is recorded. */
    private void recover(Storage storage) {
        var snapshot = storage.snapshots().latest();
        if (snapshot.isPresent()) stateMachine = KvStateMachine.restore(snapshot.get().data());
        GroupView installed = ReplicaJournal.installedView(storage);
        List<ReplicaJournal.Entry> entries = ReplicaJournal.read(storage);
        if (installed.number() == 0) {
            // Transaction records without an installed view (swarm seed 100841: a replica that was
            // catching up by state transfer journaled transactions, then crashed) belong to no view
            // this replica can claim. It rejoins as a restarted replica, by state transfer, like
            // any replica without a claim, so the records decide nothing and are set aside.
            discardedJournalRecords = entries.size();
            return;
        }
        view = installed;
        recoveredView = installed.number();
        memory = new TxnMemory(installed.number());
        for (ReplicaJournal.Entry e : entries) replay(e, installed.number());
    }

    private void replay(ReplicaJournal.Entry entry, long viewNumber) {
        switch (entry) {
            case ReplicaJournal.Entry.Prepared p -> {
                checkReplayed(p.txn(), viewNumber);
                memory.remember(p.txn());
                TxnId holder = locks.put(p.request().command().key(), p.txn());
                if (holder != null) throw corrupt(p.txn() + " prepared while " + holder + " held its key");
                prepared.put(p.txn(), new Prepared(p.txn(), p.request(), now));
                order.propose(p.txn());
            }
            case ReplicaJournal.Entry.Committed c -> {
                checkReplayed(c.txn(), viewNumber);
                Prepared p = prepared.get(c.txn());
                if (p == null || order.committed(c.txn())) throw corrupt(c.txn() + " committed but not prepared");
                order.commit(c.txn(), c.timestamp());
                lastCommitted.put(p.key(), new CommitDecision(c.txn(), c.timestamp()));
                replayDeliverable();
            }
            case ReplicaJournal.Entry.Aborted a -> {
                checkReplayed(a.txn(), viewNumber);
                Prepared p = prepared.remove(a.txn());
                if (p == null || order.committed(a.txn())) throw corrupt(a.txn() + " aborted but not undecided");
                order.abort(a.txn());
                locks.remove(p.key());
                replayDeliverable();
            }
        }
    }

    private void replayDeliverable() {
        for (TxnId txn : order.takeDeliverable()) {
            Prepared p = prepared.remove(txn);
            stateMachine.apply(p.request);
            locks.remove(p.key());
        }
    }

    private static void checkReplayed(TxnId txn, long viewNumber) {
        if (txn.view() != viewNumber) throw corrupt(txn + " in the journal of view " + viewNumber);
    }

    private static io.replikv.core.util.MalformedInputException corrupt(String what) {
        return new io.replikv.core.util.MalformedInputException("2pc journal: " + what);
    }

    @Override
    public NodeId id() {
        return id;
    }

    public KvStateMachine stateMachine() {
        return stateMachine;
    }

    public GroupView view() {
        return view;
    }

    /** True while this replica is a member of the view it installed. */
    public boolean member() {
        return member;
    }

    /** Prepared transactions here that are not yet decided. */
    public int undecided() {
        return order.undecided().size();
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        switch (message) {
            case ClientRequest r -> onClientRequest(from, r);
            case TwoPcMessage m -> onTwoPc(from, m);
            case GroupViewMessage m -> onGroupView(from, m);
            default -> { } // another protocol's message: not for this mode
        }
    }

    private void onTwoPc(NodeId from, TwoPcMessage m) {
        switch (m) {
            case Prepare p -> onPrepare(from, p);
            case Vote v -> onVote(from, v);
            case Commit c -> onCommit(from, c);
            case Abort a -> onAbort(a);
            case Applied a -> onApplied(from, a);
            case Stable s -> onStable(s);
            case Inquire q -> onInquire(from, q);
            case StateTransfer t -> onStateTransfer(t);
        }
    }

    /**
     * Any member of the view service may pass the service's messages on (the leader directly, a
     * follower relaying them): they all carry the service's replicated decisions. Answers go back
     * to the member that sent the request, which is alive and reaches the leader.
     */
    private void onGroupView(NodeId from, GroupViewMessage m) {
        if (!viewServices.contains(from)) return;
        switch (m) {
            case ViewReply r -> onViewReply(from, r);
            case Install i -> onInstall(i);
            case Freeze f -> onFreeze(from, f);
            case SettleQuery q -> onSettleQuery(from, q);
            case Settle s -> onSettle(from, s);
            case GroupViewMessage.Ping p -> { }
            case GroupViewMessage.GetView g -> { }
            case Frozen f -> { }
            case SettleAnswer a -> { }
            case Settled s -> { }
            case CaughtUp c -> { }
        }
    }

    // ---- clients -----------------------------------------------------------------------------

    private void reply(NodeId client, long correlation, Reply reply) {
        // after persistence: an answer (a write's, or a read showing it) never depends on a journal
        // entry of this replica that a crash could still lose (the whole group may crash next)
        outbox.sendAfterPersist(client, new ClientReply(correlation, reply));
    }

    private Reply notServing(String why) {
        List<NodeId> others = view.members().stream().filter(m -> !m.equals(id)).toList();
        NodeId hint = others.isEmpty() ? null : others.get((int) (now % others.size()));
        return Replies.wrongServer(why, hint);
    }

    private boolean leaseValid() {
        return member && now < leaseUntilTick;
    }

    private void onClientRequest(NodeId from, ClientRequest r) {
        Command command = r.request().command();
        String invalid = KvStateMachine.validate(command);
        if (invalid != null) {
            reply(from, r.correlation(), Replies.badRequest(invalid));
        } else if (!member) {
            reply(from, r.correlation(), notServing(id + " is not in view " + view.number()));
        } else if (command.readOnly()) {
            onRead(from, r.correlation(), command);
        } else if (frozenFor != 0) {
            reply(from, r.correlation(), notServing("view " + view.number() + " is changing"));
        } else if (active.size() + backingOff.size() >= config.coordinatedTxnsMax()) {
            reply(from, r.correlation(), new Reply.Rejected(Reply.RejectCode.BUSY,
                    "coordinating " + config.coordinatedTxnsMax() + " writes already", null));
        } else {
            beginAttempt(new Coordinated(from, r.correlation(), r.request()));
        }
    }

    private void onRead(NodeId from, long correlation, Command command) {
        if (!leaseValid()) {
            reply(from, correlation, notServing(id + " holds no read lease for view " + view.number()));
        } else if (readable(command.key())) {
            reply(from, correlation, new Reply.Applied(stateMachine.read(command)));
        } else if (waitingReads.size() >= config.waitingReadsMax()) {
            reply(from, correlation, new Reply.Rejected(Reply.RejectCode.BUSY, "too many reads waiting", null));
        } else {
            waitingReads.add(new WaitingRead(from, correlation, command, now));
        }
    }

    private boolean readable(Bytes key) {
        return !locks.containsKey(key) && !unstableKeys.containsKey(key);
    }

    /** Answers the waiting reads whose key became readable (or that can no longer be served here). */
    private void serveWaitingReads() {
        Iterator<WaitingRead> it = waitingReads.iterator();
        while (it.hasNext()) {
            WaitingRead w = it.next();
            if (!leaseValid()) {
                reply(w.client(), w.correlation(), notServing(id + " holds no read lease for view " + view.number()));
            } else if (readable(w.command().key())) {
                reply(w.client(), w.correlation(), new Reply.Applied(stateMachine.read(w.command())));
            } else if (now - w.sinceTick() >= config.pingIntervalTicks() * config.deadPings()) {
                // it waits for a view change; the client may as well try elsewhere or later
                reply(w.client(), w.correlation(), new Reply.Rejected(Reply.RejectCode.BUSY, "key is locked", null));
            } else {
                continue;
            }
            it.remove();
        }
    }

    // ---- coordinator -------------------------------------------------------------------------

    private void beginAttempt(Coordinated c) {
        Invariants.check(member && frozenFor == 0, "%s starts a transaction outside a stable view", id);
        c.attempts++;
        c.txn = new TxnId(view.number(), id, ++txnSeq);
        c.phase = Phase.PREPARING;
        c.votes.clear();
        c.applied.clear();
        c.timestamp = 0;
        c.phaseStartTick = now;
        Vote local = prepareHere(c.txn, c.request);
        if (!local.yes()) {
            retryOrGiveUp(c, local.reason());
            return;
        }
        active.put(c.txn, c);
        c.votes.add(id);
        c.timestamp = local.timestamp();
        for (NodeId m : view.members()) {
            if (!m.equals(id)) outbox.send(m, new Prepare(c.txn, c.request));
        }
        maybeDecideCommit(c);
    }

    private void onVote(NodeId from, Vote v) {
        Coordinated c = active.get(v.txn());
        if (c == null) {
            // presumed abort: an unknown transaction of this coordinator was aborted (or finished)
            if (v.yes() && v.txn().coordinator().equals(id)) outbox.send(from, new Abort(v.txn()));
            return;
        }
        if (c.phase != Phase.PREPARING || !view.contains(from)) return;
        if (!v.yes()) {
            abortAttempt(c, from + ": " + v.reason());
            return;
        }
        c.votes.add(from);
        c.timestamp = Math.max(c.timestamp, v.timestamp());
        maybeDecideCommit(c);
    }

    private void maybeDecideCommit(Coordinated c) {
        // frozen: the view change decides (nobody has committed it, so it will be aborted)
        if (frozenFor != 0 || !c.votes.containsAll(view.members())) return;
        c.phase = Phase.COMMITTING;
        c.phaseStartTick = now;
        c.lastSendTick = now;
        commits++;
        for (NodeId m : view.members()) {
            if (!m.equals(id)) outbox.sendAfterPersist(m, new Commit(c.txn, c.timestamp));
        }
        commitHere(c.txn, c.timestamp);
    }

    private void abortAttempt(Coordinated c, String reason) {
        active.remove(c.txn);
        aborts++;
        for (NodeId m : view.members()) {
            if (!m.equals(id)) outbox.send(m, new Abort(c.txn));
        }
        if (prepared.containsKey(c.txn)) abortHere(c.txn);
        retryOrGiveUp(c, reason);
    }

    private void retryOrGiveUp(Coordinated c, String reason) {
        if (c.attempts >= config.txnAttemptsMax()) {
            reply(c.client, c.correlation, new Reply.Rejected(Reply.RejectCode.BUSY,
                    "aborted " + c.attempts + " times; last: " + reason, null));
            return;
        }
        long ceiling = Math.min(config.retryBackoffTicksMax(), 1L << Math.min(c.attempts, 30));
        c.phase = Phase.BACKOFF;
        c.retryAtTick = now + 1 + prng.nextLong(ceiling);
        backingOff.add(c);
    }

    private void onApplied(NodeId from, Applied a) {
        Coordinated c = active.get(a.txn());
        if (c == null || c.phase != Phase.COMMITTING) return;
        c.applied.add(from);
        maybeFinish(c);
    }

    private void maybeFinish(Coordinated c) {
        if (c.result == null || !c.applied.containsAll(view.members())) return;
        active.remove(c.txn);
        reply(c.client, c.correlation, Replies.of(c.result));
        for (NodeId m : view.members()) {
            if (!m.equals(id)) outbox.send(m, new Stable(c.txn));
        }
        markStable(c.txn);
    }

    private void onInquire(NodeId from, Inquire q) {
        if (!q.txn().coordinator().equals(id) || q.txn().view() != view.number() || !member) return;
        Coordinated c = active.get(q.txn());
        if (c == null) {
            // not in flight: aborted (never committed) or finished (applied everywhere)
            outbox.send(from, q.applied() ? new Stable(q.txn()) : new Abort(q.txn()));
        } else if (c.phase == Phase.COMMITTING) {
            outbox.send(from, new Commit(c.txn, c.timestamp));
        }
    }

    // ---- participant -------------------------------------------------------------------------

    private Vote prepareHere(TxnId txn, Request request) {
        if (!member || txn.view() != view.number()) return new Vote(txn, false, 0, "not in view " + txn.view());
        if (frozenFor != 0) return new Vote(txn, false, 0, "view " + view.number() + " is changing");
        Prepared p = prepared.get(txn);
        if (p != null) return new Vote(txn, true, order.proposed(txn), ""); // a duplicated Prepare
        if (memory.seen(txn)) return new Vote(txn, false, 0, "already finished here");
        memory.remember(txn);
        Bytes key = request.command().key();
        TxnId holder = locks.get(key);
        if (holder != null) return new Vote(txn, false, 0, "key locked by " + holder);
        locks.put(key, txn);
        prepared.put(txn, new Prepared(txn, request, now));
        long timestamp = order.propose(txn);
        journal.prepared(txn, request);
        return new Vote(txn, true, timestamp, "");
    }

    private void onPrepare(NodeId from, Prepare p) {
        if (!from.equals(p.txn().coordinator())) return;
        outbox.sendAfterPersist(from, prepareHere(p.txn(), p.request()));
    }

    private boolean decidable(TxnId txn) {
        return member && frozenFor == 0 && txn.view() == view.number();
    }

    private void onCommit(NodeId from, Commit c) {
        if (!decidable(c.txn()) || !from.equals(c.txn().coordinator())) return;
        if (prepared.containsKey(c.txn())) {
            commitHere(c.txn(), c.timestamp());
        } else if (memory.seen(c.txn())) {
            outbox.sendAfterPersist(from, new Applied(c.txn())); // applied already; the Applied was lost
        }
    }

    private void commitHere(TxnId txn, long timestamp) {
        Prepared p = prepared.get(txn);
        Invariants.check(p != null, "%s commits %s which it has not prepared", id, txn);
        if (order.committed(txn)) return;
        order.commit(txn, timestamp);
        lastCommitted.put(p.key(), new CommitDecision(txn, timestamp));
        journal.committed(txn, timestamp);
        applyReady();
    }

    private void onAbort(Abort a) {
        if (!decidable(a.txn())) return;
        if (prepared.containsKey(a.txn()) && !order.committed(a.txn())) abortHere(a.txn());
    }

    private void abortHere(TxnId txn) {
        Prepared p = prepared.remove(txn);
        Invariants.check(p != null && !order.committed(txn), "%s aborts %s which is not undecided here", id, txn);
        order.abort(txn);
        TxnId holder = locks.remove(p.key());
        Invariants.check(txn.equals(holder), "%s: lock of %s held by %s, not %s", id, p.key(), holder, txn);
        journal.aborted(txn);
        applyReady();
    }

    /** Applies, in commit order, every committed transaction nothing undecided can precede any more. */
    private void applyReady() {
        for (TxnId txn : order.takeDeliverable()) {
            Prepared p = prepared.remove(txn);
            Result result = stateMachine.apply(p.request);
            TxnId holder = locks.remove(p.key());
            Invariants.check(txn.equals(holder), "%s: lock of %s held by %s, not %s", id, p.key(), holder, txn);
            TxnId previous = unstableKeys.put(p.key(), txn);
            if (previous != null) unstableTxns.remove(previous); // a later write on the key implies it is everywhere
            unstableTxns.put(txn, p.key());
            onAppliedHere(txn, result);
        }
        serveWaitingReads();
    }

    private void onAppliedHere(TxnId txn, Result result) {
        if (!txn.coordinator().equals(id)) {
            outbox.sendAfterPersist(txn.coordinator(), new Applied(txn));
            return;
        }
        Coordinated c = active.get(txn);
        if (c == null) return;
        c.result = result;
        c.applied.add(id);
        maybeFinish(c);
    }

    private void onStable(Stable s) {
        if (s.txn().view() == view.number() && member) markStable(s.txn());
    }

    private void markStable(TxnId txn) {
        Bytes key = unstableTxns.remove(txn);
        if (key != null && txn.equals(unstableKeys.get(key))) unstableKeys.remove(key);
        serveWaitingReads();
    }

    // ---- view changes ------------------------------------------------------------------------

    private void onViewReply(NodeId from, ViewReply r) {
        if (from.equals(currentViewService())) viewServiceSilentTicks = 0;
        GroupView v = r.view();
        if (v.number() > view.number() && !v.contains(id) && caughtUpFor != v.number()) {
            becomeOutOfView(v);
        } else if (v.number() == view.number() && member && r.lease()) {
            leaseUntilTick = Math.max(leaseUntilTick, r.pingTick() + config.leaseTicks());
        }
    }

    private void onFreeze(NodeId from, Freeze f) {
        // a restarted replica is frozen as a survivor only when the view service found its claim
        // good (no member of its view survived); it then skips no number the service did not settle
        boolean survivor = member ? f.number() == view.number() + 1 : recoveredView > 0 && f.number() > view.number();
        if (!survivor) return;
        frozenFor = f.number();
        List<TxnKey> undecided = new ArrayList<>();
        for (TxnId t : order.undecided()) undecided.add(new TxnKey(t, prepared.get(t).key()));
        outbox.send(from, new Frozen(f.number(), f.attempt(), undecided));
    }

    private void onSettleQuery(NodeId from, SettleQuery q) {
        if (frozenFor != q.number()) return;
        List<CommitDecision> committed = new ArrayList<>();
        for (TxnKey t : q.txns()) {
            CommitDecision last = lastCommitted.get(t.key());
            if (last != null && last.txn().equals(t.txn())) committed.add(last);
        }
        outbox.send(from, new SettleAnswer(q.number(), q.attempt(), committed));
    }

    private void onSettle(NodeId from, Settle s) {
        if (frozenFor != s.number()) return;
        if (!settled) settleUndecided(s.commits());
        outbox.sendAfterPersist(from, new Settled(s.number(), s.attempt()));
        if (s.source().equals(id)) {
            Bytes state = stateMachine.snapshot();
            for (NodeId j : s.joiners()) outbox.sendAfterPersist(j, new StateTransfer(s.number(), s.attempt(), state));
        }
    }

    private void settleUndecided(List<CommitDecision> commits) {
        TreeMap<TxnId, Long> decided = new TreeMap<>();
        for (CommitDecision d : commits) decided.put(d.txn(), d.timestamp());
        for (TxnId t : order.undecided()) {
            Long timestamp = decided.get(t);
            if (timestamp != null) {
                commitHere(t, timestamp);
            } else {
                abortHere(t);
            }
        }
        Invariants.check(prepared.isEmpty() && locks.isEmpty() && order.size() == 0,
                "%s settled with %d prepared, %d locks", id, prepared.size(), locks.size());
        settled = true;
        // writes this replica was still preparing were aborted: they run again in the next view
        for (Coordinated c : List.copyOf(active.values())) {
            if (c.phase == Phase.PREPARING) {
                active.remove(c.txn);
                retryOrGiveUp(c, "view change");
            }
        }
    }

    private void onStateTransfer(StateTransfer t) {
        if (member && view.number() >= t.number()) return;
        if (caughtUpFor > t.number() || (caughtUpFor == t.number() && caughtUpAttempt > t.attempt())) {
            return; // a late transfer of an abandoned attempt must not replace the state of a later one
        }
        if (caughtUpFor != t.number() || caughtUpAttempt != t.attempt()) {
            // a replica that still counts itself a member of an older view is being re-admitted as a
            // joiner (the view service counted it out, or counted its old incarnation out): that
            // view is gone for it, so it leaves it as if told so before it takes the state
            if (member) leaveView();
            // another attempt of the change may have settled differently: take its state
            Invariants.check(active.isEmpty() && backingOff.isEmpty(), "%s catches up while coordinating", id);
            stateMachine = KvStateMachine.restore(t.state());
            clearParticipantState(0);
            caughtUpFor = t.number();
            caughtUpAttempt = t.attempt();
            recoveredView = 0;
            frozenFor = 0;
            settled = false;
            journal.notInstalled(); // before the snapshot: a torn write never pairs the old view with the new state
            journal.snapshot(t.number(), t.state());
        }
        outbox.sendAfterPersist(currentViewService(), new CaughtUp(t.number(), t.attempt(), incarnation));
    }

    private void onInstall(Install install) {
        if (install.fresh()) {
            onFreshInstall(install.view());
            return;
        }
        GroupView v = install.view();
        if (v.number() <= view.number() && (member || !v.contains(id))) return;
        if (!v.contains(id)) {
            becomeOutOfView(v);
            return;
        }
        boolean survivor = (member || recoveredView > 0) && frozenFor == v.number() && settled;
        boolean joiner = caughtUpFor == v.number();
        boolean first = v.number() == 1 && view.number() == 0 && !member && stateMachine.appliedCount() == 0;
        if (!survivor && !joiner && !first) return; // not ready for it; the view service will not count on us
        becomeMember(v, joiner);
    }

    /**
     * The group starts afresh with {@code v} (its first view served nothing; docs/2pc.md,
     * "Whole-group crash"). Only a replica that holds nothing takes it: no view installed or
     * being joined, nothing replayed, nothing applied, an empty journal. A replica holding data
     * ignores it, so a late or duplicated fresh Install never makes a replica skip the state
     * transfer (or the settlement) it needs; the view service counts it out instead.
     */
    private void onFreshInstall(GroupView v) {
        boolean holdsNothing = !member && journal.empty() && stateMachine.appliedCount() == 0 && recoveredView == 0
                && caughtUpFor == 0 && frozenFor == 0 && prepared.isEmpty();
        if (!v.contains(id) || !holdsNothing || v.number() <= view.number()) return;
        becomeMember(v, false);
    }

    private void becomeMember(GroupView v, boolean joiner) {
        view = v;
        member = true;
        recoveredView = 0;
        frozenFor = 0;
        settled = false;
        caughtUpFor = 0;
        caughtUpAttempt = 0;
        viewsInstalled++;
        clearParticipantState(v.number());
        finishOldViewWrites();
        if (!joiner) journal.snapshot(v.number(), stateMachine.snapshot());
        journal.installed(v); // after the snapshot: a torn write never pairs this view with older state
        sendPing(); // acknowledges the view and asks for a lease at once
    }

    /** After a settled view change: writes committed in the old view are applied by every survivor; the rest retry. */
    private void finishOldViewWrites() {
        for (Coordinated c : List.copyOf(active.values())) {
            Invariants.check(c.phase == Phase.COMMITTING && c.result != null,
                    "%s: write %s still %s after the view change", id, c.txn, c.phase);
            active.remove(c.txn);
            reply(c.client, c.correlation, Replies.of(c.result));
        }
    }

    private void clearParticipantState(long viewNumber) {
        Invariants.check(order.undecided().isEmpty() || !member || frozenFor == 0 || settled,
                "%s drops undecided transactions", id);
        locks.clear();
        prepared.clear();
        order = new CommitOrder();
        memory = new TxnMemory(viewNumber);
        lastCommitted.clear();
        // every write of the old view is applied by every member of the new one
        unstableKeys.clear();
        unstableTxns.clear();
        serveWaitingReads();
    }

    private void becomeOutOfView(GroupView v) {
        leaveView();
        view = v;
    }

    /** Stops being a member of the view held: answers the writes coordinated here and forgets every transaction. */
    private void leaveView() {
        for (Coordinated c : active.values()) {
            // undecided here: nobody can have committed it; decided: the survivors settled it without us
            reply(c.client, c.correlation, c.phase == Phase.COMMITTING
                    ? new Reply.Uncertain(id + " left the view while committing")
                    : notServing(id + " left the view"));
        }
        for (Coordinated c : backingOff) reply(c.client, c.correlation, notServing(id + " left the view"));
        active.clear();
        backingOff.clear();
        member = false;
        recoveredView = 0; // its replayed transactions are dropped below; it can only rejoin
        frozenFor = 0;
        settled = false;
        leaseUntilTick = Long.MIN_VALUE;
        clearParticipantState(0);
    }

    // ---- time --------------------------------------------------------------------------------

    @Override
    public void onTick() {
        now++;
        viewServiceSilentTicks++;
        if (now - lastPingTick >= config.pingIntervalTicks()) sendPing();
        if (member && frozenFor == 0) {
            checkCoordinated();
            retryBackedOff();
            inquireStuck();
        }
        if (!waitingReads.isEmpty()) serveWaitingReads();
    }

    private void sendPing() {
        lastPingTick = now;
        if (viewServices.size() > 1 && viewServiceSilentTicks >= VIEW_SERVICE_SILENT_PINGS_MAX * config.pingIntervalTicks()) {
            viewServiceIndex = (viewServiceIndex + 1) % viewServices.size(); // silent: down, cut off, or no leader known
            viewServiceSilentTicks = 0;
        }
        outbox.send(currentViewService(), new Ping(member ? view.number() : 0, incarnation, now, member ? 0 : recoveredView,
                !member && journal.empty()));
    }

    private void checkCoordinated() {
        for (Coordinated c : List.copyOf(active.values())) {
            if (c.phase == Phase.PREPARING && now - c.phaseStartTick >= config.voteTimeoutTicks()) {
                abortAttempt(c, "votes timed out");
            } else if (c.phase == Phase.COMMITTING && now - c.lastSendTick >= config.resendTicks()) {
                c.lastSendTick = now;
                for (NodeId m : view.members()) {
                    if (!c.applied.contains(m)) outbox.send(m, new Commit(c.txn, c.timestamp));
                }
            }
        }
    }

    private void retryBackedOff() {
        List<Coordinated> due = backingOff.stream().filter(c -> now >= c.retryAtTick).toList();
        backingOff.removeAll(due);
        for (Coordinated c : due) beginAttempt(c);
    }

    /** Asks coordinators about transactions that waited here too long (a lost Commit, Abort or Stable). */
    private void inquireStuck() {
        for (Prepared p : prepared.values()) {
            if (p.txn.coordinator().equals(id) || order.committed(p.txn)) continue;
            if (now - p.lastInquireTick >= config.voteTimeoutTicks()) {
                p.lastInquireTick = now;
                outbox.send(p.txn.coordinator(), new Inquire(p.txn, false));
            }
        }
        if (now % config.resendTicks() != 0) return;
        for (WaitingRead w : waitingReads) {
            TxnId unstable = unstableKeys.get(w.command().key());
            if (unstable != null && !unstable.coordinator().equals(id) && now - w.sinceTick() >= config.resendTicks()) {
                outbox.send(unstable.coordinator(), new Inquire(unstable, true));
            }
        }
    }

    /** The member of the view service this replica pings now. */
    public NodeId currentViewService() {
        return viewServices.get(viewServiceIndex);
    }

    @Override
    public Effects drain() {
        return outbox.drain();
    }

    @Override
    public NodeStatus status() {
        TreeMap<String, String> details = new TreeMap<>();
        details.put("inDoubt", Integer.toString(order.undecided().size()));
        if (discardedJournalRecords > 0) details.put("discardedJournalRecords", Long.toString(discardedJournalRecords));
        details.put("locks", Integer.toString(locks.size()));
        details.put("coordinating", Integer.toString(active.size() + backingOff.size()));
        details.put("commits", Long.toString(commits));
        details.put("aborts", Long.toString(aborts));
        details.put("waitingReads", Integer.toString(waitingReads.size()));
        details.put("lease", Boolean.toString(leaseValid()));
        if (viewServices.size() > 1) details.put("viewService", currentViewService().name());
        details.put("viewsInstalled", Long.toString(viewsInstalled));
        details.put("keys", Integer.toString(stateMachine.size()));
        details.put("sessions", Integer.toString(stateMachine.sessions().size()));
        if (frozenFor != 0) details.put("frozenFor", Long.toString(frozenFor));
        details.put("view", view.members().toString());
        if (recoveredView > 0) details.put("recovered", "journal of view " + recoveredView + " replayed; waits for the view service");
        String role = member ? "replica" : caughtUpFor != 0 ? "catching-up" : recoveredView > 0 ? "recovered" : "out-of-view";
        return new NodeStatus(id, "2pc", role, view.number(), null, peers, stateMachine.appliedCount(), details);
    }
}
