package io.replikv.core.raft;

import static io.replikv.core.raft.RaftCluster.n;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Effects;
import io.replikv.core.Envelope;
import io.replikv.core.NodeId;
import io.replikv.core.Outbox;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Goal: the Raft core's rules, each scenario on 3–5 cores in the deterministic test pump, with
 * Election Safety and State Machine Safety checked after every step. Where a rule exists to stop a
 * specific failure (PreVote, CheckQuorum, Figure 8), a companion test shows the failure it stops.
 */
class RaftCoreTest {
    private static final RaftConfig CONFIG = RaftConfig.DEFAULT;
    private static final long ELECTION = CONFIG.electionTimeoutTicks();
    private static final long SEED = 20261121L;

    private static List<NodeId> nodes(int... ids) {
        List<NodeId> out = new ArrayList<>();
        for (int i : ids) out.add(n(i));
        return out;
    }

    @Test
    void electsOneLeaderAndKeepsItWhileNothingFails() {
        RaftCluster c = new RaftCluster(SEED, 3, CONFIG);
        NodeId leader = c.awaitLeader(10 * ELECTION);
        assertThat(leader).as("seed %d", SEED).isNotNull();
        long term = c.core(leader).term();
        c.net.ticks(50 * ELECTION);
        assertThat(c.leaderAmong(c.net.live())).isEqualTo(leader);
        for (NodeId id : c.net.ids) assertThat(c.core(id).term()).isEqualTo(term);
    }

    @Test
    void electsANewLeaderWhenTheLeaderIsCutOffAndTheOldOneRejoinsAsFollower() {
        RaftCluster c = new RaftCluster(SEED, 3, CONFIG);
        NodeId old = c.awaitLeader(10 * ELECTION);
        c.net.isolate(old);
        List<NodeId> rest = c.net.ids.stream().filter(id -> !id.equals(old)).toList();
        NodeId fresh = c.awaitLeader(rest, 10 * ELECTION);
        assertThat(fresh).isNotNull().isNotEqualTo(old);
        assertThat(c.core(fresh).term()).isGreaterThan(c.core(old).term());
        c.net.heal();
        assertThat(c.awaitLeader(10 * ELECTION)).isEqualTo(fresh);
        assertThat(c.core(old).role()).isEqualTo(RaftCore.Role.FOLLOWER);
    }

    @Test
    void checkQuorumStepsDownALeaderCutOffFromTheMajority() {
        RaftCluster c = new RaftCluster(SEED, 5, CONFIG);
        NodeId leader = c.awaitLeader(10 * ELECTION);
        c.net.isolate(leader);
        assertThat(c.net.runUntil(() -> !c.core(leader).isLeader(), 2 * ELECTION + 2)).isTrue();
        assertThat(c.core(leader).leader()).isNull();
    }

    @Test
    void withoutCheckQuorumACutOffLeaderBelievesItLeadsForever() {
        RaftCluster c = new RaftCluster(SEED, 5, CONFIG.withCheckQuorum(false));
        NodeId leader = c.awaitLeader(10 * ELECTION);
        c.net.isolate(leader);
        c.net.ticks(20 * ELECTION);
        assertThat(c.core(leader).isLeader()).isTrue();
    }

    @Test
    void preVoteKeepsARejoiningNodeFromDisruptingTheLeader() {
        RaftCluster c = new RaftCluster(SEED, 3, CONFIG);
        NodeId leader = c.awaitLeader(10 * ELECTION);
        long term = c.core(leader).term();
        NodeId cut = c.net.ids.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        c.net.isolate(cut);
        c.net.ticks(30 * ELECTION);
        assertThat(c.core(cut).term()).as("pre-votes do not raise the term").isEqualTo(term);
        c.net.heal();
        c.net.ticks(10 * ELECTION);
        assertThat(c.leaderAmong(c.net.live())).isEqualTo(leader);
        assertThat(c.core(leader).term()).isEqualTo(term);
    }

    @Test
    void withoutPreVoteOrCheckQuorumARejoiningNodeDeposesTheLeader() {
        RaftCluster c = new RaftCluster(SEED, 3, CONFIG.withPreVote(false).withCheckQuorum(false));
        NodeId leader = c.awaitLeader(10 * ELECTION);
        long term = c.core(leader).term();
        NodeId cut = c.net.ids.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        c.net.isolate(cut);
        c.net.ticks(30 * ELECTION);
        assertThat(c.core(cut).term()).isGreaterThan(term);
        c.net.heal();
        c.net.ticks(10 * ELECTION);
        assertThat(c.core(leader).term()).isGreaterThan(term);
    }

    @Test
    void logsAgreeUnderLossDelayAndReordering() {
        RaftCluster c = new RaftCluster(SEED, 5, CONFIG);
        c.net.dropRate = 0.1;
        c.net.maxDelayTicks = 3;
        c.awaitLeader(20 * ELECTION);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String cmd = "c" + i;
            assertThat(c.one(cmd, 1, 100 * ELECTION)).as("seed %d, command %s", SEED, cmd).isPositive();
            expected.add(cmd);
        }
        c.net.dropRate = 0;
        long last = c.core(c.awaitLeader(20 * ELECTION)).lastIndex();
        assertThat(c.one("final", 5, 20 * ELECTION)).isPositive();
        expected.add("final");
        for (NodeId id : c.net.ids) {
            assertThat(c.node(id).appliedIndex).isGreaterThanOrEqualTo(last);
            assertThat(c.node(id).commands()).as("%s", id).containsSubsequence(expected);
        }
    }

    @Test
    void figure8ALeaderDoesNotCommitAnOlderTermsEntryByCountingReplicas() {
        RaftCluster c = figure8Setup();
        NodeId leader = c.awaitLeader(nodes(1, 2, 3), 20 * ELECTION);
        assertThat(leader).isIn(n(1), n(2));
        // the term-2 entry at index 2 reaches n3 and so sits on a majority (n1, n2, n3) ...
        assertThat(c.net.runUntil(() -> c.core(n(3)).termAt(2) == 2, 10 * ELECTION)).isTrue();
        c.net.ticks(5 * ELECTION);
        // ... but is not committed: it is not of the leader's term (§5.4.2)
        assertThat(c.core(leader).commitIndex()).isLessThan(2);
        assertThat(c.committed).doesNotContainKey(2L);
        // an entry of the leader's own term commits it, and everything before it, indirectly
        assertThat(c.one("x", 3, 10 * ELECTION)).isEqualTo(3);
        assertThat(c.committed.get(2L).term()).isEqualTo(2);
    }

    @Test
    void figure8TheUncommittedEntryMayBeOverwrittenByALaterLeader() {
        RaftCluster c = figure8Setup();
        NodeId leader = c.awaitLeader(nodes(1, 2, 3), 20 * ELECTION);
        assertThat(c.net.runUntil(() -> c.core(n(3)).termAt(2) == 2, 10 * ELECTION)).isTrue();
        c.net.ticks(5 * ELECTION);
        // Figure 8 (d): n1 and n2 fail; n5 (last term 3) wins with n3 and n4 and replaces index 2.
        // Had index 2 been committed above, State Machine Safety would fail here.
        c.net.crash(n(1));
        c.net.crash(n(2));
        c.net.restart(n(4));
        c.net.restart(n(5));
        assertThat(c.awaitLeader(nodes(3, 4, 5), 30 * ELECTION)).isEqualTo(n(5));
        assertThat(c.one("y", 3, 20 * ELECTION)).isEqualTo(3);
        assertThat(c.committed.get(2L).term()).isEqualTo(3);
        assertThat(leader).isIn(n(1), n(2));
    }

    /**
     * The state of Figure 8 (b)→(c): n1 and n2 hold a term-2 entry at index 2 from n1's term-2
     * leadership, n5 holds a term-3 entry there, n3 and n4 only index 1; everyone has seen term 3.
     * Only n1, n2 and n3 run.
     */
    private static RaftCluster figure8Setup() {
        RaftCluster c = new RaftCluster(SEED, 5, CONFIG.withNoopOnElection(false));
        for (NodeId id : c.net.ids) c.net.crash(id);
        LogEntry e1 = LogEntry.command(1, Bytes.of("a"));
        seed(c, n(1), List.of(e1, LogEntry.command(2, Bytes.of("b"))));
        seed(c, n(2), List.of(e1, LogEntry.command(2, Bytes.of("b"))));
        seed(c, n(3), List.of(e1));
        seed(c, n(4), List.of(e1));
        seed(c, n(5), List.of(e1, LogEntry.command(3, Bytes.of("c"))));
        for (int i = 1; i <= 3; i++) c.net.restart(n(i));
        return c;
    }

    private static void seed(RaftCluster c, NodeId id, List<LogEntry> entries) {
        MemoryStorage s = c.net.storage(id);
        s.apply(new PersistOp.PutStable(HardState.STABLE_KEY, new HardState(3, null).encode()));
        s.apply(new PersistOp.AppendLog(1, entries.stream().map(LogEntry::encode).toList()));
    }

    @Test
    void everythingCommittedSurvivesARestartOfEveryNode() {
        RaftCluster c = new RaftCluster(SEED, 3, CONFIG);
        c.awaitLeader(10 * ELECTION);
        assertThat(c.one("a", 3, 20 * ELECTION)).isPositive();
        assertThat(c.one("b", 3, 20 * ELECTION)).isPositive();
        long term = c.core(n(1)).term();
        for (NodeId id : c.net.ids) c.net.crash(id);
        for (NodeId id : c.net.ids) c.net.restart(id);
        for (NodeId id : c.net.ids) assertThat(c.core(id).term()).isEqualTo(term);
        c.awaitLeader(20 * ELECTION);
        assertThat(c.one("c", 3, 20 * ELECTION)).isPositive();
        for (NodeId id : c.net.ids) assertThat(c.node(id).commands()).containsExactly("a", "b", "c");
    }

    @Test
    void aVoteIsDurableBeforeItIsSentAndSurvivesARestart() {
        List<NodeId> members = nodes(1, 2, 3);
        MemoryStorage storage = new MemoryStorage();
        Outbox outbox = new Outbox();
        RaftCore core = new RaftCore(n(1), members, storage, new Prng(1), CONFIG, outbox);
        core.onMessage(n(2), new RaftMessage.RequestVote(5, 0, 0, false, false));
        Effects effects = outbox.drain();
        assertThat(effects.send()).isEmpty();
        assertThat(effects.sendAfterPersist()).containsExactly(
                new Envelope(n(2), new RaftMessage.RequestVoteReply(5, true, false)));
        // the new term, then the vote, in order: whatever prefix of them survives a crash is consistent
        assertThat(effects.persist()).last().isEqualTo(
                new PersistOp.PutStable(HardState.STABLE_KEY, new HardState(5, n(2)).encode()));
        effects.persist().forEach(storage::apply);

        Outbox after = new Outbox();
        RaftCore restarted = new RaftCore(n(1), members, storage, new Prng(2), CONFIG, after);
        assertThat(restarted.term()).isEqualTo(5);
        assertThat(restarted.votedFor()).isEqualTo(n(2));
        restarted.onMessage(n(3), new RaftMessage.RequestVote(5, 9, 4, false, false));
        assertThat(after.drain().sendAfterPersist()).containsExactly(
                new Envelope(n(3), new RaftMessage.RequestVoteReply(5, false, false)));
    }

    @Test
    void appendAcksWaitForTheAppendedEntriesToBeDurable() {
        Outbox outbox = new Outbox();
        RaftCore core = new RaftCore(n(2), nodes(1, 2, 3), new MemoryStorage(), new Prng(1), CONFIG, outbox);
        LogEntry e = LogEntry.command(1, Bytes.of("v"));
        core.onMessage(n(1), new RaftMessage.AppendEntries(1, 0, 0, List.of(e), 0));
        Effects effects = outbox.drain();
        assertThat(effects.persist()).contains(new PersistOp.AppendLog(1, List.of(e.encode())));
        assertThat(effects.send()).isEmpty();
        assertThat(effects.sendAfterPersist()).containsExactly(
                new Envelope(n(1), new RaftMessage.AppendEntriesReply(1, true, 1, 0, 0, 0)));
    }

    /**
     * A leader counts itself towards a commit only once its own log is durable: a follower's ack
     * alone is not a majority of three while the leader's sync is pending (its LogPersisted has
     * not come back), because a crash could still lose the leader's copy.
     */
    @Test
    void aLeaderCountsItsOwnEntryOnlyOnceItIsDurable() {
        Outbox outbox = new Outbox();
        RaftCore core = new RaftCore(n(1), nodes(1, 2, 3), new MemoryStorage(), new Prng(3),
                CONFIG.withNoopOnElection(false), outbox);
        while (core.role() != RaftCore.Role.PRE_CANDIDATE) core.onTick();
        core.onMessage(n(2), new RaftMessage.RequestVoteReply(1, true, true));
        core.onMessage(n(2), new RaftMessage.RequestVoteReply(1, true, false));
        assertThat(core.isLeader()).isTrue();
        outbox.drain();
        Proposal.Accepted a = (Proposal.Accepted) core.propose(Bytes.of("x"));
        assertThat(outbox.drain().sendAfterPersist()).contains(
                new Envelope(n(1), new RaftMessage.LogPersisted(1, a.index())));
        core.onMessage(n(2), new RaftMessage.AppendEntriesReply(1, true, a.index(), 0, 0, 0));
        assertThat(core.commitIndex()).as("one follower's ack while the leader's write is not durable").isZero();
        core.onMessage(n(1), new RaftMessage.LogPersisted(1, a.index()));
        assertThat(core.commitIndex()).isEqualTo(a.index());
    }

    @Test
    void snapshotsCompactTheLogAndReachALaggingFollowerByInstallSnapshot() {
        RaftCluster c = new RaftCluster(SEED, 3, CONFIG, 10);
        NodeId leader = c.awaitLeader(10 * ELECTION);
        NodeId lagging = c.net.ids.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        c.net.isolate(lagging);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 55; i++) {
            assertThat(c.one("s" + i, 2, 20 * ELECTION)).isPositive();
            expected.add("s" + i);
        }
        NodeId now = c.leaderAmong(c.net.live());
        assertThat(c.core(now).snapshotIndex()).isGreaterThanOrEqualTo(50);
        assertThat(c.core(now).logEntries()).isLessThan(15);
        c.net.heal();
        long target = c.core(now).commitIndex();
        assertThat(c.net.runUntil(() -> c.node(lagging).appliedIndex >= target, 20 * ELECTION)).isTrue();
        assertThat(c.net.sent("InstallSnapshot")).isPositive();
        assertThat(c.node(lagging).restores).isPositive();
        assertThat(c.node(lagging).commands()).containsExactlyElementsOf(expected);
    }

    @Test
    void aRestartedNodeRecoversFromItsSnapshotAndLogTail() {
        RaftCluster c = new RaftCluster(SEED, 3, CONFIG, 10);
        c.awaitLeader(10 * ELECTION);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            assertThat(c.one("r" + i, 3, 20 * ELECTION)).isPositive();
            expected.add("r" + i);
        }
        for (NodeId id : c.net.ids) c.net.crash(id);
        for (NodeId id : c.net.ids) {
            c.net.restart(id);
            assertThat(c.core(id).snapshotIndex()).isGreaterThanOrEqualTo(20);
            assertThat(c.node(id).restores).isEqualTo(1);
        }
        c.awaitLeader(20 * ELECTION);
        assertThat(c.one("after", 3, 20 * ELECTION)).isPositive();
        expected.add("after");
        for (NodeId id : c.net.ids) assertThat(c.node(id).commands()).containsExactlyElementsOf(expected);
    }

    @Test
    void readIndexConfirmsLeadershipAndWritesNothing() {
        RaftCluster c = new RaftCluster(SEED, 3, CONFIG);
        NodeId leader = c.awaitLeader(10 * ELECTION);
        long index = c.one("w", 3, 20 * ELECTION);
        long last = c.core(leader).lastIndex();
        for (long r = 1; r <= 10; r++) c.requestRead(leader, r);
        assertThat(c.net.runUntil(() -> c.node(leader).readOutcomes.size() == 10, ELECTION)).isTrue();
        assertThat(c.node(leader).readOutcomes).allSatisfy(o -> {
            assertThat(o).isInstanceOf(ReadOutcome.Ready.class);
            assertThat(((ReadOutcome.Ready) o).readIndex()).isGreaterThanOrEqualTo(index);
        });
        assertThat(c.core(leader).lastIndex()).isEqualTo(last);
    }

    @Test
    void aCutOffLeaderNeverConfirmsARead() {
        RaftCluster c = new RaftCluster(SEED, 3, CONFIG);
        NodeId leader = c.awaitLeader(10 * ELECTION);
        c.one("w", 3, 20 * ELECTION);
        c.net.isolate(leader);
        c.requestRead(leader, 7);
        c.net.ticks(5 * ELECTION);
        assertThat(c.node(leader).readOutcomes).containsExactly(
                new ReadOutcome.Refused(7, null, "leadership lost"));
        c.requestRead(leader, 8);
        assertThat(c.node(leader).readOutcomes).last().isInstanceOf(ReadOutcome.Refused.class);
    }

    @Test
    void aFollowerRefusesReads() {
        RaftCluster c = new RaftCluster(SEED, 3, CONFIG);
        NodeId leader = c.awaitLeader(10 * ELECTION);
        NodeId follower = c.net.ids.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        c.requestRead(follower, 1);
        assertThat(c.node(follower).readOutcomes).containsExactly(new ReadOutcome.Refused(1, leader, "not the leader"));
    }

    @Test
    void leaderTransferHandsOverWithinOneElectionTimeout() {
        RaftCluster c = new RaftCluster(SEED, 3, CONFIG);
        NodeId leader = c.awaitLeader(10 * ELECTION);
        c.one("a", 3, 20 * ELECTION);
        long term = c.core(leader).term();
        NodeId target = c.net.ids.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        assertThat(c.core(leader).transferLeadership(target)).isEqualTo(TransferResult.STARTED);
        assertThat(c.propose(leader, "during")).isInstanceOf(Proposal.Busy.class);
        c.net.flushNow(leader);
        assertThat(c.net.runUntil(() -> c.core(target).isLeader(), ELECTION)).isTrue();
        assertThat(c.core(target).term()).isEqualTo(term + 1);
        assertThat(c.one("b", 3, 20 * ELECTION)).isPositive();
        assertThat(c.core(target).transferLeadership(target)).isEqualTo(TransferResult.ALREADY_LEADER);
        assertThat(c.core(leader).transferLeadership(target)).isEqualTo(TransferResult.NOT_LEADER);
    }

    @Test
    void aDeadFollowerCostsOnlyABoundedNumberOfAppends() {
        RaftConfig config = CONFIG.withAppendLimits(4, 128, 1024 * 1024);
        RaftCluster c = new RaftCluster(SEED, 3, config);
        NodeId leader = c.awaitLeader(10 * ELECTION);
        NodeId dead = c.net.ids.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        c.net.crash(dead);
        long before = c.net.sent("AppendEntries");
        for (int i = 0; i < 300; i++) {
            c.propose(leader, "p" + i);
            c.net.tick();
        }
        long appends = c.net.sent("AppendEntries") - before;
        // one append per proposal to the live follower, and at most the in-flight window (plus a
        // probe per stall) to the dead one; without the bound it would be about 600
        assertThat(appends).isBetween(300L, 300L + 4 + 300 / config.heartbeatTicks() + 5);
    }

    @Test
    void aSingleNodeGroupElectsItselfAndCommitsAtOnce() {
        RaftCluster c = new RaftCluster(SEED, 1, CONFIG);
        assertThat(c.awaitLeader(3 * ELECTION)).isEqualTo(n(1));
        assertThat(c.one("solo", 1, 5)).isPositive();
        c.requestRead(n(1), 1);
        assertThat(c.node(n(1)).readOutcomes).hasSize(1).first().isInstanceOf(ReadOutcome.Ready.class);
    }
}
