package io.replikv.core.vsraft;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
import io.replikv.core.raft.Apply;
import io.replikv.core.raft.Proposal;
import io.replikv.core.raft.RaftConfig;
import io.replikv.core.raft.RaftCore;
import io.replikv.core.raft.RaftMessage;
import io.replikv.core.raft.ReadOutcome;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.Prng;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.viewservice.ViewServiceCore;
import io.replikv.core.viewservice.ViewServiceMessage;
import io.replikv.core.viewservice.ViewSuccession;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One member of a replicated view service: a {@link RaftCore} among the members, replicating the
 * view-service state ({@link VsState}: the view, its acknowledgement, who learned a view, who
 * restarted) as a log of {@link VsCommand}s. The rules are those of the single
 * {@link ViewServiceCore}, and the succession rule is the same pure {@link ViewSuccession}.
 *
 * <p><b>Only the leader decides.</b> It answers pings and view requests; a follower passes them to
 * the leader it knows ({@link VsRaftMessage.RelayRequest}) and the answer back, so a server may
 * ping any member (a member that knows no leader stays silent, and servers move on to the next
 * member). The leader keeps liveness (who pinged when) as soft state. A change the leader decides
 * on (a first view, an acknowledgement, a server that learned a view or restarted, a new view) is
 * proposed, one at a time, and takes effect when it is committed and applied.
 *
 * <p><b>Replies report only committed state, and never run ahead of it.</b> A ping whose content
 * the committed state does not yet reflect (the acknowledgement of the view, a member that learned
 * a view or restarted, the first server) is answered only once the command that records it has
 * been applied. In particular a {@code PingReply} to a nonzero ping means "recorded": a primary
 * serves only after such a reply, so if it later restarts and pings 0, every future leader knows
 * it restarted — a new leader could otherwise take the primary of view 1 back with empty state.
 *
 * <p><b>A new leader</b> answers no ping before it has applied its own term's first entry (so it
 * holds everything its predecessors committed), and treats every member of the view as alive for
 * {@code deadPings} intervals. That is safe: liveness only ever drives a view change, and a server
 * wrongly taken for alive can only delay its removal; promotions, acknowledgements and restarts are
 * all decided from the replicated state, never from liveness. Without that grace a new leader would
 * see every server as dead and change the view at once.
 */
public final class ReplicatedViewServiceNode implements Node {
    /** The servers the leader keeps liveness for: as in the single view service. */
    public static final int SERVERS_MAX = ViewServiceCore.SERVERS_MAX;
    /** Pings waiting for a command to commit; one per server at most, so the same bound. */
    public static final int WAITING_PINGS_MAX = SERVERS_MAX;
    /**
     * The view service's Raft log is tiny (a few entries per view change) and its state a few
     * hundred bytes: a snapshot every 1000 entries keeps the log and restarts short.
     */
    public static final long SNAPSHOT_LOG_ENTRIES_MAX = 1000;
    /** Raft timing for the view service: the defaults (300 ms elections), with small snapshots. */
    public static final RaftConfig RAFT_DEFAULT = RaftConfig.DEFAULT.withSnapshotThresholds(SNAPSHOT_LOG_ENTRIES_MAX, 0);

    /** A ping waiting until the committed state reflects it; {@code via} is the relaying member or null. */
    private record Waiting(NodeId server, NodeId via, long viewNumber, long arrivedTick) {}

    private final NodeId id;
    private final List<NodeId> members;
    private final TreeSet<NodeId> memberSet;
    private final ViewServiceConfig config;
    private final RaftConfig raftConfig;
    private final Outbox outbox = new Outbox();
    private final RaftCore core;

    private VsState state = new VsState();
    private long appliedIndex;
    private long now;
    private long requestsHandled;
    private long relayed;

    // leader only (soft state)
    private long leaderTerm;           // the term this node leads in, 0 when it does not
    private long termStartIndex;       // the index of its term's first entry
    private long leaderSinceTick;
    private long inFlightIndex;        // the index of the proposal in flight, 0 for none
    private long confirmationReadId;   // a leadership confirmation asked for a view change, 0 for none
    private boolean leadershipConfirmed; // that confirmation arrived during this input
    private long readSeq;
    private final TreeMap<NodeId, Long> lastPingTick = new TreeMap<>();
    private final LinkedHashMap<NodeId, Waiting> waiting = new LinkedHashMap<>();
    private final TreeMap<NodeId, Long> firstZeroPingTick = new TreeMap<>(); // since when a server pings 0 only

    /** Member {@code id} of the view-service group {@code members}; recovers its log from {@code storage}. */
    public ReplicatedViewServiceNode(NodeId id, List<NodeId> members, Storage storage, Prng prng,
                                     ViewServiceConfig config, RaftConfig raftConfig) {
        Invariants.check(raftConfig.noopOnElection(),
                "the replicated view service needs noopOnElection: a new leader waits for its term's first entry");
        this.id = id;
        this.memberSet = new TreeSet<>(members);
        this.members = List.copyOf(memberSet);
        this.config = config;
        this.raftConfig = raftConfig;
        this.core = new RaftCore(id, members, storage, prng, raftConfig, outbox);
        pump();
    }

    public ReplicatedViewServiceNode(NodeId id, List<NodeId> members, Storage storage, Prng prng, ViewServiceConfig config) {
        this(id, members, storage, prng, config, RAFT_DEFAULT);
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        switch (message) {
            case RaftMessage m -> core.onMessage(from, m);
            case ViewServiceMessage.Ping ping -> onPing(from, null, ping);
            case ViewServiceMessage.GetView get -> onGetView(from, null, get);
            case VsRaftMessage.RelayRequest relay -> onRelayRequest(from, relay);
            case VsRaftMessage.RelayReply relay -> onRelayReply(from, relay);
            default -> { } // replies and other protocols' messages are not for the view service
        }
        pump();
    }

    @Override
    public void onTick() {
        now++;
        core.onTick();
        pump();
    }

    @Override
    public Effects drain() {
        return outbox.drain();
    }

    // ---------------------------------------------------------------- requests

    private void onPing(NodeId server, NodeId via, ViewServiceMessage.Ping ping) {
        requestsHandled++;
        if (!leading()) {
            relay(server, via, ping);
            return;
        }
        if (!waiting.containsKey(server) && waiting.size() >= WAITING_PINGS_MAX) return; // it pings again
        trackZeroPings(server, ping.viewNumber());
        waiting.remove(server); // its newest ping is the one that counts; it goes to the back
        waiting.put(server, new Waiting(server, via, ping.viewNumber(), now));
    }

    /**
     * Notes since when {@code server} has pinged nothing but 0. A ping with 0 from a member that
     * learned a view is a restart only once its pings say so for half a ping interval: a single 0
     * may be an old ping that a relay through another member (or a duplicate) delivered after the
     * server's newer pings. The first 0 is answered with view 0 (nothing learned), so a server that
     * really restarted pings 0 again one interval later, and that second 0 is recorded as the restart.
     */
    private void trackZeroPings(NodeId server, long viewNumber) {
        if (viewNumber != 0) {
            firstZeroPingTick.remove(server);
        } else if (!firstZeroPingTick.containsKey(server)) {
            if (firstZeroPingTick.size() >= SERVERS_MAX) {
                firstZeroPingTick.entrySet().removeIf(e -> now - e.getValue() >= config.deadTicks());
            }
            if (firstZeroPingTick.size() < SERVERS_MAX) firstZeroPingTick.put(server, now);
        }
    }

    private boolean restartConfirmed(Waiting w) {
        Long first = firstZeroPingTick.get(w.server());
        return w.viewNumber() == 0 && first != null && w.arrivedTick() - first >= restartConfirmTicks();
    }

    /** Half a ping interval (at least a tick): longer than any duplicate's lag, shorter than the next real ping. */
    private long restartConfirmTicks() {
        return Math.max(1, config.pingIntervalTicks() / 2);
    }

    private void onGetView(NodeId client, NodeId via, ViewServiceMessage.GetView get) {
        requestsHandled++;
        if (!leading()) {
            relay(client, via, get);
            return;
        }
        // the applied view is committed; it may lag right after an election, as any reply may arrive late
        reply(client, via, new ViewServiceMessage.ViewReply(state.view()));
    }

    private void onRelayRequest(NodeId from, VsRaftMessage.RelayRequest relay) {
        if (!memberSet.contains(from) || from.equals(id)) return;
        switch (relay.request()) {
            case ViewServiceMessage.Ping ping -> onPing(relay.origin(), from, ping);
            case ViewServiceMessage.GetView get -> onGetView(relay.origin(), from, get);
            default -> { } // only requests are relayed
        }
    }

    private void onRelayReply(NodeId from, VsRaftMessage.RelayReply relay) {
        if (!memberSet.contains(from) || from.equals(id)) return;
        switch (relay.reply()) {
            case ViewServiceMessage.PingReply r -> outbox.send(relay.origin(), r);
            case ViewServiceMessage.ViewReply r -> outbox.send(relay.origin(), r);
            default -> { } // only replies are passed back
        }
    }

    /** Passes a request to the leader; with no leader known (or one relayed already) it is dropped and the sender moves on. */
    private void relay(NodeId origin, NodeId via, ViewServiceMessage request) {
        NodeId leader = core.leader();
        if (via != null || leader == null || leader.equals(id)) return;
        relayed++;
        outbox.send(leader, new VsRaftMessage.RelayRequest(origin, request));
    }

    private void reply(NodeId to, NodeId via, ViewServiceMessage message) {
        if (via == null) {
            outbox.send(to, message);
        } else {
            outbox.send(via, new VsRaftMessage.RelayReply(to, message));
        }
    }

    // ---------------------------------------------------------------- the leader's work, after every input

    private void pump() {
        for (Apply a : core.takeApplies()) apply(a);
        for (ReadOutcome o : core.takeReadOutcomes()) onReadOutcome(o);
        trackLeadership();
        if (caughtUp()) {
            answerWaiting();
            maybePropose();
        }
        leadershipConfirmed = false; // good for this input only: the next may come after a partition
        maybeSnapshot();
    }

    private void onReadOutcome(ReadOutcome o) {
        if (o.readId() != confirmationReadId) return;
        confirmationReadId = 0;
        leadershipConfirmed = o instanceof ReadOutcome.Ready;
    }

    private void apply(Apply a) {
        switch (a) {
            case Apply.Restore r -> {
                state = VsCommandCodec.decodeState(r.snapshot().data());
                appliedIndex = r.snapshot().index();
            }
            case Apply.Entry e -> {
                Invariants.check(e.index() == appliedIndex + 1, "%s: applying %d after %d", id, e.index(), appliedIndex);
                appliedIndex = e.index();
                if (!e.entry().noop()) state.apply(VsCommandCodec.decode(e.entry().payload()));
            }
        }
    }

    private void trackLeadership() {
        if (core.isLeader() && leaderTerm != core.term()) {
            becomeLeader();
        } else if (!core.isLeader() && leaderTerm != 0) {
            stepDown();
        }
    }

    private void becomeLeader() {
        leaderTerm = core.term();
        termStartIndex = core.lastIndex(); // the no-op RaftCore appended on election
        leaderSinceTick = now;
        inFlightIndex = 0;
        confirmationReadId = 0;
        waiting.clear();
        firstZeroPingTick.clear(); // pings it saw before this term may be long gone
    }

    /** Pings waiting for a command are dropped unanswered: their servers ping again, here or elsewhere. */
    private void stepDown() {
        leaderTerm = 0;
        inFlightIndex = 0;
        confirmationReadId = 0;
        waiting.clear();
        firstZeroPingTick.clear(); // pings it saw before this term may be long gone
    }

    private boolean leading() {
        return leaderTerm != 0;
    }

    /** A leader that has applied its own term's first entry holds every entry committed before it. */
    private boolean caughtUp() {
        return leading() && appliedIndex >= termStartIndex;
    }

    /** Records liveness for waiting pings and answers those that the committed state already reflects. */
    private void answerWaiting() {
        Iterator<Waiting> it = waiting.values().iterator();
        while (it.hasNext()) {
            Waiting w = it.next();
            View view = state.view();
            boolean known = w.viewNumber() >= 0 && w.viewNumber() <= view.number();
            // a number this service never gave out is answered but not recorded, as in the single view service
            boolean recorded = known && remember(w.server());
            if (recorded) lastPingTick.merge(w.server(), w.arrivedTick(), Math::max);
            if (!recorded || needed(w) == null) {
                // an unconfirmed restart learns nothing yet (view 0), so that it pings 0 again
                View answer = recorded && holds(w) ? View.INITIAL : view;
                reply(w.server(), w.via(), new ViewServiceMessage.PingReply(w.viewNumber(), answer));
                it.remove();
            } else if (now - w.arrivedTick() >= config.deadTicks()) {
                it.remove(); // its command could not commit in a dead time; the server has pinged again since
            }
        }
    }

    /**
     * A 0 from a member that learned a view, not yet confirmed as a restart: answered with view 0,
     * which teaches the server nothing, so a server that really restarted pings 0 again.
     */
    private boolean holds(Waiting w) {
        return w.viewNumber() == 0 && state.view().isMember(w.server()) && state.hasLearned(w.server())
                && !restartConfirmed(w);
    }

    /**
     * The command that makes the committed state reflect the waiting ping {@code w}, or null when
     * it already does (the ping can be answered) or when it is a restart still to be confirmed.
     */
    private VsCommand needed(Waiting w) {
        NodeId server = w.server();
        long viewNumber = w.viewNumber();
        View view = state.view();
        if (view.number() == 0) return new VsCommand.FirstView(server);
        if (!view.isMember(server)) return null;
        if (viewNumber == 0) {
            // a member that knew a view and now pings 0 lost its state; one that never learned a view had none
            return state.hasLearned(server) && restartConfirmed(w) ? new VsCommand.Restarted(view.number(), server) : null;
        }
        if (view.isPrimary(server) && viewNumber == view.number() && !state.acknowledged()) {
            return new VsCommand.Acknowledge(view.number(), server);
        }
        return state.hasLearned(server) ? null : new VsCommand.Learned(view.number(), server);
    }

    /** Proposes the next change, one at a time: first what waiting pings need, then a view change. */
    private void maybePropose() {
        if (inFlightIndex != 0 && appliedIndex < inFlightIndex) return;
        inFlightIndex = 0;
        VsCommand next = null;
        for (Waiting w : waiting.values()) {
            next = needed(w);
            if (next != null) break;
        }
        if (next == null) {
            next = viewChange();
            if (next == null || !confirmLeadership()) return;
        }
        switch (core.propose(VsCommandCodec.encode(next))) {
            case Proposal.Accepted a -> inFlightIndex = a.index();
            case Proposal.NotLeader n -> { } // noticed at the next pump
            case Proposal.Busy b -> { } // a leader transfer: the next leader decides
        }
    }

    /**
     * A view change rests on soft state (who pinged this leader lately), so it is proposed only
     * right after a heartbeat round has confirmed that this node still leads a quorum (a ReadIndex
     * round of RaftCore). A leader cut off from the other members hears no pings and takes every
     * server for dead; without this it would append a view change that a later leader holding its
     * log could commit long after, when its premises are false. True when the confirmation
     * arrived during this input; otherwise asks for one.
     */
    private boolean confirmLeadership() {
        if (leadershipConfirmed) return true;
        if (confirmationReadId == 0) {
            confirmationReadId = ++readSeq;
            core.requestRead(confirmationReadId);
        }
        return false;
    }

    /** The next view by the single view service's rule, once the current one is acknowledged. */
    private VsCommand viewChange() {
        View view = state.view();
        if (view.number() == 0 || !state.acknowledged()) return null;
        View next = ViewSuccession.next(view, liveServers(), new TreeSet<>(state.restarted()), config.backupsMax());
        return next == view ? null : new VsCommand.NewView(next);
    }

    private SortedSet<NodeId> liveServers() {
        TreeSet<NodeId> live = lastPingTick.entrySet().stream()
                .filter(e -> now - e.getValue() < config.deadTicks())
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        if (inGrace()) live.addAll(state.view().members());
        return live;
    }

    /** A new leader's first dead time: it has not had the chance to hear from everyone yet. */
    private boolean inGrace() {
        return now - leaderSinceTick < config.deadTicks();
    }

    /** Makes room for {@code server} if needed; false if the leader is full of live servers. */
    private boolean remember(NodeId server) {
        if (lastPingTick.containsKey(server) || lastPingTick.size() < SERVERS_MAX) return true;
        Iterator<Map.Entry<NodeId, Long>> it = lastPingTick.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<NodeId, Long> e = it.next();
            if (now - e.getValue() >= config.deadTicks() && !state.view().isMember(e.getKey())) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    private void maybeSnapshot() {
        if (raftConfig.snapshotLogEntriesMax() <= 0 || appliedIndex <= core.snapshotIndex()) return;
        if (core.logEntries() > raftConfig.snapshotLogEntriesMax()) core.compact(appliedIndex, VsCommandCodec.encodeState(state));
    }

    // ---------------------------------------------------------------- state, for tests and the status page

    /** The newest view this member has applied (committed; it may lag the leader's). */
    public View view() {
        return state.view();
    }

    /** True once the primary of {@link #view()} acknowledged it, as this member has applied. */
    public boolean acknowledged() {
        return state.acknowledged();
    }

    /** The applied replicated state. */
    public VsState state() {
        return state;
    }

    /** The consensus core, for tests and the status page (do not drive it directly). */
    public RaftCore core() {
        return core;
    }

    public boolean isLeader() {
        return core.isLeader();
    }

    /** Pings and view requests received (relayed ones counted where they are answered too). */
    public long requestsHandled() {
        return requestsHandled;
    }

    @Override
    public NodeStatus status() {
        View view = state.view();
        TreeMap<String, String> details = new TreeMap<>();
        details.put("acknowledged", Boolean.toString(state.acknowledged()));
        details.put("backups", view.backups().toString());
        details.put("backupsMax", Integer.toString(config.backupsMax()));
        details.put("requestsHandled", Long.toString(requestsHandled));
        details.put("relayed", Long.toString(relayed));
        details.put("restarted", state.restarted().toString());
        details.put("learned", state.learned().toString());
        details.put("term", Long.toString(core.term()));
        details.put("raftRole", core.role().name().toLowerCase(Locale.ROOT));
        details.put("raftLeader", core.leader() == null ? "" : core.leader().name());
        details.put("commitIndex", Long.toString(core.commitIndex()));
        details.put("viewServiceMembers", members.stream().map(NodeId::name).collect(Collectors.joining(",")));
        if (leading()) {
            details.put("live", liveServers().stream().map(NodeId::name).collect(Collectors.joining(",")));
            details.put("waitingPings", Integer.toString(waiting.size()));
        }
        return new NodeStatus(id, "viewservice", core.role().name().toLowerCase(Locale.ROOT), view.number(),
                view.primary(), view.members(), appliedIndex, details);
    }
}
