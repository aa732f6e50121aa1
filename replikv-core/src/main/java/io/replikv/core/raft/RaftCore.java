package io.replikv.core.raft;

import io.replikv.core.NodeId;
import io.replikv.core.Outbox;
import io.replikv.core.raft.RaftMessage.AppendEntries;
import io.replikv.core.raft.RaftMessage.AppendEntriesReply;
import io.replikv.core.raft.RaftMessage.Heartbeat;
import io.replikv.core.raft.RaftMessage.HeartbeatReply;
import io.replikv.core.raft.RaftMessage.InstallSnapshot;
import io.replikv.core.raft.RaftMessage.InstallSnapshotReply;
import io.replikv.core.raft.RaftMessage.LogPersisted;
import io.replikv.core.raft.RaftMessage.RequestVote;
import io.replikv.core.raft.RaftMessage.RequestVoteReply;
import io.replikv.core.raft.RaftMessage.TimeoutNow;
import io.replikv.core.storage.LogStore;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.Snapshot;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.Prng;
import io.replikv.core.util.Timeout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Raft consensus as a pure state machine (etcd-io/raft's shape): messages and ticks in; messages,
 * persist ops, committed entries and read confirmations out. Payloads are opaque bytes; the
 * application proposes them, applies what {@link #takeApplies} hands out, and asks for
 * compaction with {@link #compact} when its snapshot covers a prefix of the log.
 *
 * <p>What it implements, by the extended paper and the thesis: elections with randomised timeouts
 * (§5.2), PreVote and CheckQuorum with a leader lease on votes (thesis §9.6), log replication with
 * the conflict-term back-up (§5.3), commitment of current-term entries only by counting (§5.4.2,
 * Figure 8), persistence of term, vote and log before any reply that depends on them, snapshots and
 * InstallSnapshot (§7), ReadIndex reads (thesis §6.4), leader transfer (thesis §3.10), and per
 * follower flow control (etcd's probe/replicate/snapshot progress). Membership is fixed.
 *
 * <p>Persist before send: votes, append acks and every other reply leave through
 * {@link Outbox#sendAfterPersist}. The leader's appends go out at once (its log is written in
 * parallel, thesis §10.2.1), but it counts itself towards a commit only once its log is durable:
 * it learns that from a {@link RaftMessage.LogPersisted} it sends itself after persistence, since
 * a shell may deliver further inputs while a sync is still pending.
 */
public final class RaftCore {
    /** The roles a node moves through. PRE_CANDIDATE asks for pre-votes without touching its term. */
    public enum Role { FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER }

    private record PendingRead(long readId, long readIndex, long round) {}

    private final NodeId id;
    private final List<NodeId> members;
    private final List<NodeId> peers;
    private final TreeSet<NodeId> memberSet;
    private final Prng prng;
    private final RaftConfig config;
    private final Outbox outbox;

    // durable state (mirrored to storage through persist ops)
    private long term;
    private NodeId votedFor;
    private final RaftLog log;
    private Snapshot snapshot;

    // volatile state
    private Role role = Role.FOLLOWER;
    private NodeId leader;
    private long commitIndex;
    private long appliedIndex;
    private boolean restorePending;
    private final Timeout electionTimeout;
    private long ticksSinceLeaderContact;
    private final TreeMap<NodeId, Boolean> votes = new TreeMap<>();

    // leader state
    private final TreeMap<NodeId, Progress> progress = new TreeMap<>();
    /** How far this leader's own log is known to be durable (its own match index). */
    private long durableIndex;
    private long heartbeatElapsedTicks;
    private long checkQuorumElapsedTicks;
    private NodeId transferTarget;
    private long transferElapsedTicks;
    private boolean timeoutNowSent;
    private long roundSent;
    private long roundConfirmed;
    private final ArrayDeque<PendingRead> pendingReads = new ArrayDeque<>();
    private final List<ReadOutcome> readOutcomes = new ArrayList<>();

    /**
     * Builds a node and recovers whatever {@code storage} holds (term, vote, snapshot, log). The
     * storage is only read here; every later write leaves as a persist op in {@code outbox}.
     */
    public RaftCore(NodeId id, List<NodeId> members, Storage storage, Prng prng, RaftConfig config, Outbox outbox) {
        Invariants.check(members.contains(id), "%s is not among the members %s", id, members);
        this.id = id;
        this.memberSet = new TreeSet<>(members);
        Invariants.check(memberSet.size() == members.size(), "duplicate members: %s", members);
        this.members = List.copyOf(memberSet);
        this.peers = this.members.stream().filter(m -> !m.equals(id)).toList();
        this.prng = prng;
        this.config = config;
        this.outbox = outbox;
        this.electionTimeout = new Timeout("election", config.electionTimeoutTicks());
        this.log = recover(storage);
        electionTimeout.startRandomized(prng);
    }

    private RaftLog recover(Storage storage) {
        HardState hard = storage.stable().get(HardState.STABLE_KEY).map(HardState::decode).orElse(HardState.INITIAL);
        term = hard.term();
        votedFor = hard.votedFor();
        snapshot = storage.snapshots().latest().orElse(null);
        long base = snapshot == null ? 0 : snapshot.index();
        long baseTerm = snapshot == null ? 0 : snapshot.term();
        LogStore stored = storage.log();
        Invariants.check(stored.firstIndex() <= base + 1,
                "log starts at %d, after the snapshot at %d: entries are missing", stored.firstIndex(), base);
        List<LogEntry> entries = new ArrayList<>();
        boolean diverged = base >= stored.firstIndex() && base <= stored.lastIndex()
                && LogEntry.decode(stored.entry(base)).term() != baseTerm;
        if (!diverged) {
            for (long i = Math.max(stored.firstIndex(), base + 1); i <= stored.lastIndex(); i++) {
                entries.add(LogEntry.decode(stored.entry(i)));
            }
        }
        if (diverged && base < stored.lastIndex()) outbox.persist(new PersistOp.AppendLog(base + 1, List.of()));
        if (base >= stored.firstIndex()) outbox.persist(new PersistOp.CompactLog(base)); // finish an interrupted compaction
        RaftLog recovered = new RaftLog(base, baseTerm, entries);
        Invariants.check(recovered.lastTerm() <= term || term == 0 && recovered.lastIndex() == 0,
                "log holds term %d beyond the stored term %d", recovered.lastTerm(), term);
        commitIndex = base;
        appliedIndex = base;
        restorePending = snapshot != null;
        return recovered;
    }

    // ---------------------------------------------------------------- inputs

    /** A message from a peer. Messages from non-members (and from itself) are ignored. */
    public void onMessage(NodeId from, RaftMessage m) {
        if (m instanceof LogPersisted p) {
            if (from.equals(id)) onLogPersisted(p);
            return;
        }
        if (from.equals(id) || !memberSet.contains(from)) return;
        if (m.term() > term) {
            if (!onHigherTerm(from, m)) return;
        } else if (m.term() < term) {
            onLowerTerm(from, m);
            return;
        }
        switch (m) {
            case RequestVote rv -> onRequestVote(from, rv);
            case RequestVoteReply r -> onRequestVoteReply(from, r);
            case AppendEntries a -> onAppendEntries(from, a);
            case AppendEntriesReply r -> onAppendEntriesReply(from, r);
            case Heartbeat h -> onHeartbeat(from, h);
            case HeartbeatReply r -> onHeartbeatReply(from, r);
            case InstallSnapshot s -> onInstallSnapshot(from, s);
            case InstallSnapshotReply r -> onInstallSnapshotReply(from, r);
            case TimeoutNow t -> onTimeoutNow(from, t);
            case LogPersisted p -> throw Invariants.unreachable("handled above");
        }
    }

    /** Decides what a message of a newer term does to this node; false when the message is to be dropped. */
    private boolean onHigherTerm(NodeId from, RaftMessage m) {
        switch (m) {
            case RequestVote rv -> {
                // leader lease: a node that hears from a live leader ignores campaigns (unless the leader asked for one)
                if (inLease() && !rv.transfer()) return false;
                if (!rv.preVote()) becomeFollower(m.term(), null);
            }
            case RequestVoteReply r when r.preVote() && r.granted() -> { } // granted for the term we asked about
            case AppendEntries a -> becomeFollower(m.term(), from);
            case Heartbeat h -> becomeFollower(m.term(), from);
            case InstallSnapshot s -> becomeFollower(m.term(), from);
            case TimeoutNow t -> becomeFollower(m.term(), from);
            default -> becomeFollower(m.term(), null);
        }
        return true;
    }

    /** Answers a stale sender with the current term so that an old leader or candidate steps down. */
    private void onLowerTerm(NodeId from, RaftMessage m) {
        switch (m) {
            case AppendEntries a -> outbox.sendAfterPersist(from,
                    new AppendEntriesReply(term, false, 0, a.prevLogIndex(), 0, 0));
            case Heartbeat h -> outbox.sendAfterPersist(from, new HeartbeatReply(term, h.round()));
            case InstallSnapshot s -> outbox.sendAfterPersist(from, new InstallSnapshotReply(term, 0));
            case RequestVote rv -> outbox.sendAfterPersist(from, new RequestVoteReply(term, false, rv.preVote()));
            default -> { } // a reply to something of an older term: nothing left to learn from it
        }
    }

    private boolean inLease() {
        if (!config.checkQuorum() || leader == null) return false;
        return role == Role.LEADER || ticksSinceLeaderContact < config.electionTimeoutTicks();
    }

    /** One unit of time passed. */
    public void onTick() {
        if (role == Role.LEADER) {
            tickLeader();
            return;
        }
        ticksSinceLeaderContact++;
        electionTimeout.tick();
        if (electionTimeout.fired()) campaign();
    }

    private void tickLeader() {
        for (Progress pr : progress.values()) pr.snapshotElapsedTicks++;
        if (transferTarget != null && ++transferElapsedTicks >= config.electionTimeoutTicks()) {
            transferTarget = null; // the target did not take over in time: take proposals again
        }
        if (++checkQuorumElapsedTicks >= config.electionTimeoutTicks()) {
            checkQuorumElapsedTicks = 0;
            if (config.checkQuorum() && !quorumActive()) {
                becomeFollower(term, null);
                return;
            }
            for (Progress pr : progress.values()) pr.recentActive = false;
        }
        if (++heartbeatElapsedTicks >= config.heartbeatTicks()) {
            heartbeatElapsedTicks = 0;
            restartStalledStreams();
            if (readsWaitingForRound()) roundSent++;
            broadcastHeartbeat();
            if (durableIndex < log.lastIndex()) sendLogPersisted(); // the last one may have been lost
        }
    }

    private boolean quorumActive() {
        int active = 1;
        for (Progress pr : progress.values()) if (pr.recentActive) active++;
        return Quorum.reached(active, members.size());
    }

    /** A stream that made no progress over a whole heartbeat interval lost a message: probe again from the match. */
    private void restartStalledStreams() {
        for (var e : progress.entrySet()) {
            Progress pr = e.getValue();
            if (pr.state == Progress.State.REPLICATE && !pr.inflight.isEmpty()
                    && pr.matchIndex == pr.matchIndexAtHeartbeat) {
                pr.becomeProbe(pr.matchIndex + 1);
                sendAppend(e.getKey());
            }
            pr.matchIndexAtHeartbeat = pr.matchIndex;
        }
    }

    // ---------------------------------------------------------------- elections

    private void campaign() {
        if (config.preVote()) {
            becomePreCandidate();
        } else {
            becomeCandidate(false);
        }
    }

    private void becomeFollower(long newTerm, NodeId newLeader) {
        Invariants.check(newTerm >= term, "%s: term going back from %d to %d", id, term, newTerm);
        if (role == Role.LEADER) stepDownAsLeader();
        if (newTerm > term) {
            term = newTerm;
            votedFor = null;
            persistHardState();
        }
        role = Role.FOLLOWER;
        leader = newLeader;
        votes.clear();
        ticksSinceLeaderContact = 0;
        electionTimeout.startRandomized(prng);
    }

    private void stepDownAsLeader() {
        for (PendingRead r : pendingReads) {
            readOutcomes.add(new ReadOutcome.Refused(r.readId(), null, "leadership lost"));
        }
        pendingReads.clear();
        progress.clear();
        transferTarget = null;
    }

    private void becomePreCandidate() {
        role = Role.PRE_CANDIDATE;
        leader = null;
        votes.clear();
        votes.put(id, true);
        electionTimeout.startRandomized(prng);
        if (Quorum.reached(1, members.size())) {
            becomeCandidate(false);
            return;
        }
        for (NodeId peer : peers) {
            outbox.send(peer, new RequestVote(term + 1, log.lastIndex(), log.lastTerm(), true, false));
        }
    }

    private void becomeCandidate(boolean transfer) {
        Invariants.check(role != Role.LEADER, "%s: a leader does not campaign", id);
        role = Role.CANDIDATE;
        term++;
        votedFor = id;
        persistHardState();
        leader = null;
        votes.clear();
        votes.put(id, true);
        electionTimeout.startRandomized(prng);
        if (Quorum.reached(1, members.size())) {
            becomeLeader();
            return;
        }
        for (NodeId peer : peers) {
            outbox.sendAfterPersist(peer, new RequestVote(term, log.lastIndex(), log.lastTerm(), false, transfer));
        }
    }

    private void becomeLeader() {
        Invariants.check(role == Role.CANDIDATE, "%s: only a candidate becomes leader, not a %s", id, role);
        role = Role.LEADER;
        leader = id;
        progress.clear();
        for (NodeId peer : peers) progress.put(peer, new Progress(log.lastIndex() + 1));
        heartbeatElapsedTicks = 0;
        checkQuorumElapsedTicks = 0;
        transferTarget = null;
        electionTimeout.stop();
        durableIndex = 0; // entries received as a follower may still be waiting for a sync
        if (config.noopOnElection()) appendLocal(LogEntry.noop(term));
        sendLogPersisted();
        for (NodeId peer : peers) sendAppend(peer);
    }

    private void onRequestVote(NodeId from, RequestVote rv) {
        boolean canVote = from.equals(votedFor)
                || (votedFor == null && leader == null)
                || (rv.preVote() && rv.term() > term);
        boolean granted = canVote && log.isUpToDate(rv.lastLogIndex(), rv.lastLogTerm());
        if (granted && !rv.preVote()) {
            votedFor = from;
            persistHardState();
            electionTimeout.startRandomized(prng);
        }
        outbox.sendAfterPersist(from, new RequestVoteReply(granted ? rv.term() : term, granted, rv.preVote()));
    }

    private void onRequestVoteReply(NodeId from, RequestVoteReply r) {
        boolean preVoteRound = role == Role.PRE_CANDIDATE && r.preVote() && (!r.granted() || r.term() == term + 1);
        boolean voteRound = role == Role.CANDIDATE && !r.preVote() && r.term() == term;
        if (!preVoteRound && !voteRound) return; // an answer to a round that is over
        votes.put(from, r.granted());
        long granted = votes.values().stream().filter(g -> g).count();
        long rejected = votes.size() - granted;
        if (Quorum.reached((int) granted, members.size())) {
            if (role == Role.PRE_CANDIDATE) {
                becomeCandidate(false);
            } else {
                becomeLeader();
            }
        } else if (Quorum.reached((int) rejected, members.size())) {
            becomeFollower(term, null);
        }
    }

    private void onTimeoutNow(NodeId from, TimeoutNow t) {
        if (role == Role.LEADER) return;
        becomeCandidate(true); // the leader asked: no pre-vote, and voters set their lease aside
    }

    /** Asks this leader to hand leadership to {@code target} (thesis §3.10); proposals pause meanwhile. */
    public TransferResult transferLeadership(NodeId target) {
        if (role != Role.LEADER) return TransferResult.NOT_LEADER;
        if (target.equals(id)) return TransferResult.ALREADY_LEADER;
        if (!progress.containsKey(target)) return TransferResult.UNKNOWN_MEMBER;
        transferTarget = target;
        transferElapsedTicks = 0;
        timeoutNowSent = false;
        maybeSendTimeoutNow(target);
        if (!timeoutNowSent) sendAppend(target);
        return TransferResult.STARTED;
    }

    private void maybeSendTimeoutNow(NodeId peer) {
        if (!peer.equals(transferTarget) || timeoutNowSent) return;
        if (progress.get(peer).matchIndex != log.lastIndex()) return;
        outbox.send(peer, new TimeoutNow(term));
        timeoutNowSent = true;
    }

    // ---------------------------------------------------------------- replication, follower side

    private void onAppendEntries(NodeId from, AppendEntries a) {
        acceptLeader(from);
        long prev = a.prevLogIndex();
        long prevTerm = a.prevLogTerm();
        List<LogEntry> entries = a.entries();
        if (prev < commitIndex) {
            // entries up to our commit index match every later leader's log: skip them
            int skip = (int) Math.min(entries.size(), commitIndex - prev);
            if (skip == entries.size()) {
                outbox.sendAfterPersist(from, new AppendEntriesReply(term, true, commitIndex, 0, 0, 0));
                return;
            }
            prev += skip;
            prevTerm = entries.get(skip - 1).term();
            entries = entries.subList(skip, entries.size());
        }
        if (log.term(prev) != prevTerm) {
            Backtrack.Hint hint = Backtrack.followerHint(log, prev, commitIndex);
            outbox.sendAfterPersist(from, new AppendEntriesReply(term, false, 0, a.prevLogIndex(),
                    hint.conflictIndex(), hint.conflictTerm()));
            return;
        }
        long lastNew = prev + entries.size();
        appendFromLeader(prev, entries);
        advanceCommit(Math.min(a.leaderCommit(), lastNew));
        outbox.sendAfterPersist(from, new AppendEntriesReply(term, true, lastNew, 0, 0, 0));
    }

    /** A leader of the current term spoke: follow it and restart the election timeout. */
    private void acceptLeader(NodeId from) {
        Invariants.check(role != Role.LEADER, "%s and %s both lead term %d", id, from, term);
        if (role != Role.FOLLOWER) becomeFollower(term, from);
        Invariants.check(leader == null || leader.equals(from), "%s: two leaders in term %d: %s and %s",
                id, term, leader, from);
        leader = from;
        ticksSinceLeaderContact = 0;
        electionTimeout.startRandomized(prng);
    }

    /** Appends what the log lacks; the first entry that conflicts (§5.3 step 3) and all after it are replaced. */
    private void appendFromLeader(long prevLogIndex, List<LogEntry> entries) {
        for (int i = 0; i < entries.size(); i++) {
            long index = prevLogIndex + 1 + i;
            if (log.term(index) == entries.get(i).term()) continue; // already held (Log Matching)
            Invariants.check(index > commitIndex, "%s: leader overwrites committed entry %d (commit %d)",
                    id, index, commitIndex);
            if (index <= log.lastIndex()) log.truncateFrom(index);
            List<LogEntry> rest = entries.subList(i, entries.size());
            List<Bytes> encoded = new ArrayList<>(rest.size());
            for (LogEntry e : rest) {
                log.append(e);
                encoded.add(e.encode());
            }
            outbox.persist(new PersistOp.AppendLog(index, encoded));
            return;
        }
    }

    private void advanceCommit(long index) {
        if (index <= commitIndex) return;
        Invariants.check(index <= log.lastIndex(), "%s: commit %d beyond last index %d", id, index, log.lastIndex());
        commitIndex = index;
    }

    private void onHeartbeat(NodeId from, Heartbeat h) {
        acceptLeader(from);
        // the leader sends no commit index beyond what it knows this log matches
        advanceCommit(Math.min(h.commitIndex(), log.lastIndex()));
        outbox.sendAfterPersist(from, new HeartbeatReply(term, h.round()));
    }

    private void onInstallSnapshot(NodeId from, InstallSnapshot s) {
        acceptLeader(from);
        long index = s.lastIncludedIndex();
        if (index <= commitIndex) {
            outbox.sendAfterPersist(from, new InstallSnapshotReply(term, commitIndex));
            return;
        }
        Snapshot installed = new Snapshot(index, s.lastIncludedTerm(), s.data());
        outbox.persist(new PersistOp.SaveSnapshot(installed));
        boolean keepsSuffix = log.term(index) == s.lastIncludedTerm();
        if (!keepsSuffix && index < log.lastIndex()) outbox.persist(new PersistOp.AppendLog(index + 1, List.of()));
        outbox.persist(new PersistOp.CompactLog(index));
        log.compact(index, s.lastIncludedTerm());
        snapshot = installed;
        commitIndex = index;
        appliedIndex = index;
        restorePending = true;
        outbox.sendAfterPersist(from, new InstallSnapshotReply(term, index));
    }

    // ---------------------------------------------------------------- replication, leader side

    /** Proposes {@code payload} as a new log entry; only a leader accepts. */
    public Proposal propose(Bytes payload) {
        if (role != Role.LEADER) return new Proposal.NotLeader(leader);
        if (transferTarget != null) return new Proposal.Busy("leadership is moving to " + transferTarget);
        appendLocal(LogEntry.command(term, payload));
        long index = log.lastIndex();
        for (NodeId peer : peers) sendAppend(peer);
        return new Proposal.Accepted(index, term);
    }

    private void appendLocal(LogEntry entry) {
        long index = log.lastIndex() + 1;
        log.append(entry);
        outbox.persist(new PersistOp.AppendLog(index, List.of(entry.encode())));
        sendLogPersisted();
    }

    private void sendLogPersisted() {
        outbox.sendAfterPersist(id, new LogPersisted(term, log.lastIndex()));
    }

    private void onLogPersisted(LogPersisted p) {
        if (role != Role.LEADER || p.term() != term || p.lastIndex() <= durableIndex) return;
        Invariants.check(p.lastIndex() <= log.lastIndex(), "%s: durable through %d beyond last index %d",
                id, p.lastIndex(), log.lastIndex());
        durableIndex = p.lastIndex();
        maybeCommit();
    }

    private void sendAppend(NodeId peer) {
        Progress pr = progress.get(peer);
        if (!pr.canSend(config.inflightAppendsMax())) return;
        long prev = pr.nextIndex - 1;
        long prevTerm = log.term(prev);
        if (prevTerm == RaftLog.UNKNOWN_TERM) {
            Invariants.check(prev < log.snapshotIndex(), "%s: next index %d of %s beyond the log (last %d)",
                    id, pr.nextIndex, peer, log.lastIndex());
            sendSnapshot(peer, pr);
            return;
        }
        List<LogEntry> entries = pr.nextIndex <= log.lastIndex()
                ? log.slice(pr.nextIndex, config.entriesPerAppendMax(), config.bytesPerAppendMax())
                : List.of();
        if (entries.isEmpty() && pr.state == Progress.State.REPLICATE) return;
        outbox.send(peer, new AppendEntries(term, prev, prevTerm, entries, commitIndex));
        pr.onSent(prev + entries.size(), !entries.isEmpty());
    }

    private void sendSnapshot(NodeId peer, Progress pr) {
        Invariants.check(snapshot != null && snapshot.index() == log.snapshotIndex(),
                "%s: log compacted to %d without a matching snapshot", id, log.snapshotIndex());
        outbox.send(peer, new InstallSnapshot(term, snapshot.index(), snapshot.term(), snapshot.data()));
        pr.becomeSnapshot(snapshot.index());
    }

    private void onAppendEntriesReply(NodeId from, AppendEntriesReply r) {
        if (role != Role.LEADER) return;
        Progress pr = progress.get(from);
        pr.recentActive = true;
        if (!r.success()) {
            onAppendRejected(from, pr, r);
            return;
        }
        boolean news = pr.onAck(r.matchIndex());
        if (pr.state == Progress.State.PROBE
                || pr.state == Progress.State.SNAPSHOT && pr.matchIndex >= pr.snapshotIndex) {
            pr.becomeReplicate();
        }
        if (news) {
            maybeCommit();
            maybeSendTimeoutNow(from);
        }
        sendAppend(from);
    }

    private void onAppendRejected(NodeId from, Progress pr, AppendEntriesReply r) {
        boolean stale = switch (pr.state) {
            case REPLICATE -> r.rejectedIndex() <= pr.matchIndex;
            case PROBE -> r.rejectedIndex() != pr.nextIndex - 1;
            case SNAPSHOT -> true;
        };
        if (stale) return;
        Backtrack.Hint hint = new Backtrack.Hint(r.conflictIndex(), r.conflictTerm());
        pr.becomeProbe(Backtrack.leaderNextIndex(log, hint, r.rejectedIndex(), pr.matchIndex));
        sendAppend(from);
    }

    private void onInstallSnapshotReply(NodeId from, InstallSnapshotReply r) {
        if (role != Role.LEADER) return;
        Progress pr = progress.get(from);
        pr.recentActive = true;
        boolean news = pr.onAck(r.matchIndex());
        if (pr.state == Progress.State.SNAPSHOT && pr.matchIndex >= pr.snapshotIndex) pr.becomeReplicate();
        if (news) {
            maybeCommit();
            maybeSendTimeoutNow(from);
        }
        sendAppend(from);
    }

    /** Commits the highest index a majority holds, if it is of the current term (§5.4.2, Figure 8). */
    private void maybeCommit() {
        long[] matches = new long[members.size()];
        int i = 0;
        matches[i++] = durableIndex;
        for (Progress pr : progress.values()) matches[i++] = pr.matchIndex;
        long candidate = Quorum.committedIndex(matches);
        if (candidate <= commitIndex || log.term(candidate) != term) return;
        commitIndex = candidate;
        startWaitingReads();
    }

    private void broadcastHeartbeat() {
        for (var e : progress.entrySet()) {
            long commit = Math.min(commitIndex, e.getValue().matchIndex);
            outbox.send(e.getKey(), new Heartbeat(term, commit, roundSent));
        }
    }

    private void onHeartbeatReply(NodeId from, HeartbeatReply r) {
        if (role != Role.LEADER) return;
        Progress pr = progress.get(from);
        pr.recentActive = true;
        pr.ackedRound = Math.max(pr.ackedRound, r.round());
        confirmReads();
        if (pr.matchIndex >= log.lastIndex()) return;
        switch (pr.state) {
            case PROBE -> pr.probeSent = false; // the probe may have been lost: the follower is reachable, retry
            case SNAPSHOT -> {
                if (pr.snapshotElapsedTicks >= config.electionTimeoutTicks()) pr.becomeProbe(pr.matchIndex + 1);
            }
            case REPLICATE -> { }
        }
        sendAppend(from);
    }

    // ---------------------------------------------------------------- ReadIndex

    /**
     * Registers a linearizable read (thesis §6.4). Its outcome comes later from
     * {@link #takeReadOutcomes}: Ready with the index the state machine must have applied before
     * the read is served, or Refused. Nothing is written to the log for it (except, without
     * {@code noopOnElection}, one no-op per term so that the leader has committed in its term).
     */
    public void requestRead(long readId) {
        if (role != Role.LEADER) {
            readOutcomes.add(new ReadOutcome.Refused(readId, leader, "not the leader"));
            return;
        }
        if (pendingReads.size() >= config.pendingReadsMax()) {
            readOutcomes.add(new ReadOutcome.Refused(readId, leader, "too many reads waiting"));
            return;
        }
        if (!committedInTerm()) {
            pendingReads.addLast(new PendingRead(readId, -1, 0));
            if (log.lastTerm() != term) {
                appendLocal(LogEntry.noop(term));
                for (NodeId peer : peers) sendAppend(peer);
            }
            return;
        }
        pendingReads.addLast(new PendingRead(readId, commitIndex, roundSent + 1));
        sendReadRound();
    }

    private boolean committedInTerm() {
        return log.term(commitIndex) == term;
    }

    /** Reads registered before this term's first commit get their read index now. */
    private void startWaitingReads() {
        if (pendingReads.isEmpty() || pendingReads.peekLast().readIndex() >= 0) return;
        List<PendingRead> all = new ArrayList<>(pendingReads);
        pendingReads.clear();
        for (PendingRead r : all) {
            pendingReads.addLast(r.readIndex() >= 0 ? r : new PendingRead(r.readId(), commitIndex, roundSent + 1));
        }
        sendReadRound();
    }

    private boolean readsWaitingForRound() {
        return !pendingReads.isEmpty() && pendingReads.peekLast().readIndex() >= 0
                && pendingReads.peekLast().round() > roundSent;
    }

    /** Starts a heartbeat round for waiting reads unless one is still unanswered (then they ride the next). */
    private void sendReadRound() {
        if (!readsWaitingForRound()) return;
        if (roundConfirmed < roundSent && !peers.isEmpty()) return;
        roundSent++;
        broadcastHeartbeat();
        confirmReads();
    }

    private void confirmReads() {
        long[] rounds = new long[members.size()];
        int i = 0;
        rounds[i++] = roundSent;
        for (Progress pr : progress.values()) rounds[i++] = pr.ackedRound;
        roundConfirmed = Math.max(roundConfirmed, Quorum.committedIndex(rounds));
        while (!pendingReads.isEmpty() && pendingReads.peekFirst().readIndex() >= 0
                && pendingReads.peekFirst().round() <= roundConfirmed) {
            PendingRead r = pendingReads.pollFirst();
            readOutcomes.add(new ReadOutcome.Ready(r.readId(), r.readIndex()));
        }
        if (readsWaitingForRound() && roundConfirmed == roundSent) sendReadRound();
    }

    // ---------------------------------------------------------------- outputs for the application

    /** The committed entries (and snapshots to restore) not handed out yet, in log order. */
    public List<Apply> takeApplies() {
        List<Apply> out = new ArrayList<>();
        if (restorePending) {
            out.add(new Apply.Restore(snapshot));
            restorePending = false;
        }
        while (appliedIndex < commitIndex) {
            appliedIndex++;
            out.add(new Apply.Entry(appliedIndex, log.entry(appliedIndex)));
        }
        return out;
    }

    /** Outcomes of {@link #requestRead} calls since the last call. */
    public List<ReadOutcome> takeReadOutcomes() {
        List<ReadOutcome> out = List.copyOf(readOutcomes);
        readOutcomes.clear();
        return out;
    }

    /**
     * The application's snapshot {@code data} covers every entry up to {@code index} (which it has
     * applied): save it and drop those entries from the log.
     */
    public void compact(long index, Bytes data) {
        Invariants.check(index <= appliedIndex, "%s: snapshot at %d beyond applied %d", id, index, appliedIndex);
        if (index <= log.snapshotIndex()) return;
        long entryTerm = log.term(index);
        Snapshot s = new Snapshot(index, entryTerm, data);
        outbox.persist(new PersistOp.SaveSnapshot(s));
        outbox.persist(new PersistOp.CompactLog(index));
        log.compact(index, entryTerm);
        snapshot = s;
    }

    private void persistHardState() {
        outbox.persist(new PersistOp.PutStable(HardState.STABLE_KEY, new HardState(term, votedFor).encode()));
    }

    // ---------------------------------------------------------------- state, for the application, status and tests

    public NodeId id() {
        return id;
    }

    public List<NodeId> members() {
        return members;
    }

    public Role role() {
        return role;
    }

    public boolean isLeader() {
        return role == Role.LEADER;
    }

    public long term() {
        return term;
    }

    /** The leader this node follows (itself when leading), or null when it knows none. */
    public NodeId leader() {
        return leader;
    }

    public NodeId votedFor() {
        return votedFor;
    }

    public long commitIndex() {
        return commitIndex;
    }

    /** The last index handed to the application by {@link #takeApplies}. */
    public long appliedIndex() {
        return appliedIndex;
    }

    public long firstIndex() {
        return log.firstIndex();
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    public long snapshotIndex() {
        return log.snapshotIndex();
    }

    /** The term of the entry at {@code index}, or {@link RaftLog#UNKNOWN_TERM}. */
    public long termAt(long index) {
        return log.term(index);
    }

    /** The entry at {@code index}, which must lie in [firstIndex, lastIndex]. */
    public LogEntry entryAt(long index) {
        return log.entry(index);
    }

    /** Entries held in the log (after the snapshot). */
    public int logEntries() {
        return log.size();
    }

    /** About how many bytes of Raft state are persisted besides the snapshot (log and term/vote), like 6.824's RaftStateSize. */
    public long persistedStateBytes() {
        return log.entryBytes() + new HardState(term, votedFor).encode().length();
    }

    /** The latest snapshot, or null. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** On a leader, each follower's match index, in name order; empty elsewhere. */
    public SortedMap<NodeId, Long> matchIndexes() {
        TreeMap<NodeId, Long> out = new TreeMap<>();
        for (var e : progress.entrySet()) out.put(e.getKey(), e.getValue().matchIndex);
        return out;
    }

    /** A leader transfer under way, or null. */
    public NodeId transferTarget() {
        return transferTarget;
    }

    @Override
    public String toString() {
        return id + "[" + role + " term=" + term + " leader=" + leader + " commit=" + commitIndex + " log="
                + log.firstIndex() + ".." + log.lastIndex() + " " + progress + "]";
    }
}
