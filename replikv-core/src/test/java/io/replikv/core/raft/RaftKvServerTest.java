package io.replikv.core.raft;

import static io.replikv.core.raft.RaftCluster.n;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Reply;
import io.replikv.core.util.Bytes;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Goal: KV on Raft as a client sees it: at-most-once for retried writes (the same request applied
 * once however often it arrives, at the same or another leader), no Applied for anything not
 * applied, linearizable reads that a cut-off leader cannot serve, forwarding from followers,
 * snapshots of the state machine with restarts and InstallSnapshot.
 */
class RaftKvServerTest {
    private static final long SEED = 77;
    private static final RaftConfig CONFIG = RaftConfig.DEFAULT;
    private static final long ELECTION = CONFIG.electionTimeoutTicks();
    private static final NodeId CLIENT = NodeId.of("c1");
    private static final Bytes KEY = Bytes.of("k");

    private static TestNet cluster(int n, RaftConfig config) {
        List<NodeId> members = java.util.stream.IntStream.rangeClosed(1, n).mapToObj(RaftCluster::n).toList();
        TestNet net = new TestNet(SEED, n, (id, storage, prng) -> new RaftKvServer(id, members, storage, prng, config));
        net.maxDelayTicks = 0;
        return net;
    }

    private static RaftKvServer server(TestNet net, NodeId id) {
        return (RaftKvServer) net.node(id);
    }

    private static NodeId awaitLeader(TestNet net, List<NodeId> among) {
        NodeId[] found = new NodeId[1];
        assertThat(net.runUntil(() -> {
            for (NodeId id : among) {
                RaftKvServer s = server(net, id);
                if (s.core().isLeader() && s.core().commitIndex() >= s.core().lastIndex()
                        && among.stream().allMatch(o -> id.equals(server(net, o).core().leader()))) {
                    found[0] = id;
                    return true;
                }
            }
            return false;
        }, 20 * ELECTION)).as("a leader among %s", among).isTrue();
        return found[0];
    }

    private static Optional<Reply> reply(TestNet net, long correlation) {
        for (Message m : net.clientInbox(CLIENT)) {
            if (m instanceof ClientReply r && r.correlation() == correlation) return Optional.of(r.reply());
        }
        return Optional.empty();
    }

    private static Reply call(TestNet net, NodeId server, long correlation, Request request) {
        net.send(CLIENT, server, new ClientRequest(correlation, request));
        assertThat(net.runUntil(() -> reply(net, correlation).isPresent(), 10 * ELECTION))
                .as("a reply to %d from %s", correlation, server).isTrue();
        Reply r = reply(net, correlation).orElseThrow();
        net.clientInbox(CLIENT).clear();
        return r;
    }

    private static Request append(long seq, String value) {
        return new Request(7, seq, new Command.Append(KEY, Bytes.of(value)));
    }

    private static final Request GET = Request.untagged(new Command.Get(KEY));

    @Test
    void aRetriedWriteIsAppliedOnceAndAnsweredTheSameWay() {
        TestNet net = cluster(3, CONFIG);
        NodeId leader = awaitLeader(net, net.ids);
        Reply first = call(net, leader, 1, append(1, "x"));
        Reply again = call(net, leader, 1, append(1, "x"));
        assertThat(first).isEqualTo(new Reply.Applied(new Result.Length(1)));
        assertThat(again).isEqualTo(first);
        assertThat(call(net, leader, 2, GET)).isEqualTo(new Reply.Applied(new Result.Value(Bytes.of("x"))));
        net.ticks(2 * CONFIG.heartbeatTicks());
        for (NodeId id : net.ids) assertThat(server(net, id).stateMachine().data().get(KEY)).isEqualTo(Bytes.of("x"));
    }

    @Test
    void aWriteCutOffWithItsLeaderIsUncertainAndItsRetryAppliesOnce() {
        TestNet net = cluster(3, CONFIG);
        NodeId old = awaitLeader(net, net.ids);
        call(net, old, 1, append(1, "a"));
        // the request reaches the leader, but its appends never reach anyone
        net.isolate(old);
        net.send(CLIENT, old, new ClientRequest(2, append(2, "b")));
        net.deliverDue();
        assertThat(net.runUntil(() -> reply(net, 2).isPresent(), 5 * ELECTION)).isTrue();
        assertThat(reply(net, 2).orElseThrow()).isInstanceOf(Reply.Uncertain.class);
        net.clientInbox(CLIENT).clear();
        List<NodeId> rest = net.ids.stream().filter(id -> !id.equals(old)).toList();
        NodeId fresh = awaitLeader(net, rest);
        assertThat(call(net, fresh, 2, append(2, "b"))).isEqualTo(new Reply.Applied(new Result.Length(2)));
        assertThat(call(net, fresh, 2, append(2, "b"))).isEqualTo(new Reply.Applied(new Result.Length(2)));
        net.heal();
        net.ticks(5 * ELECTION);
        for (NodeId id : net.ids) assertThat(server(net, id).stateMachine().data().get(KEY)).isEqualTo(Bytes.of("ab"));
    }

    @Test
    void aRetryOfAWriteTheOldLeaderReplicatedAppliesOnce() {
        TestNet net = cluster(3, CONFIG);
        NodeId old = awaitLeader(net, net.ids);
        // the write commits everywhere, but the client never hears: the leader is cut off right after
        net.send(CLIENT, old, new ClientRequest(1, append(1, "a")));
        net.deliverDue();
        net.clientInbox(CLIENT).clear();
        net.isolate(old);
        List<NodeId> rest = net.ids.stream().filter(id -> !id.equals(old)).toList();
        NodeId fresh = awaitLeader(net, rest);
        assertThat(call(net, fresh, 1, append(1, "a"))).isEqualTo(new Reply.Applied(new Result.Length(1)));
        assertThat(server(net, fresh).stateMachine().data().get(KEY)).isEqualTo(Bytes.of("a"));
    }

    @Test
    void aFollowerForwardsToTheLeaderAndRelaysTheReply() {
        TestNet net = cluster(3, CONFIG);
        NodeId leader = awaitLeader(net, net.ids);
        NodeId follower = net.ids.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        assertThat(call(net, follower, 41, append(1, "f"))).isEqualTo(new Reply.Applied(new Result.Length(1)));
        assertThat(call(net, follower, 42, GET)).isEqualTo(new Reply.Applied(new Result.Value(Bytes.of("f"))));
    }

    @Test
    void withNoLeaderKnownAServerRefusesWithoutAHint() {
        TestNet net = cluster(3, CONFIG);
        Reply r = call(net, n(1), 1, append(1, "x"));
        assertThat(r).isInstanceOf(Reply.Rejected.class);
        assertThat(((Reply.Rejected) r).code()).isEqualTo(Reply.RejectCode.WRONG_SERVER);
        assertThat(((Reply.Rejected) r).leaderHint()).isNull();
    }

    @Test
    void aCutOffLeaderDoesNotServeAStaleRead() {
        TestNet net = cluster(3, CONFIG);
        NodeId old = awaitLeader(net, net.ids);
        call(net, old, 1, append(1, "old"));
        net.isolate(old);
        List<NodeId> rest = net.ids.stream().filter(id -> !id.equals(old)).toList();
        NodeId fresh = awaitLeader(net, rest);
        call(net, fresh, 2, append(2, "+new"));
        // the old leader may still believe it leads; its read must not come back with "old"
        Reply r = call(net, old, 3, GET);
        assertThat(r).isInstanceOf(Reply.Rejected.class);
        assertThat(call(net, fresh, 4, GET)).isEqualTo(new Reply.Applied(new Result.Value(Bytes.of("old+new"))));
    }

    @Test
    void snapshotsBoundTheLogAndBringBackRestartedAndLaggingServers() {
        RaftConfig config = CONFIG.withSnapshotThresholds(20, 0);
        TestNet net = cluster(3, config);
        NodeId leader = awaitLeader(net, net.ids);
        NodeId lagging = net.ids.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        net.isolate(lagging);
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            call(net, leader, i, append(i, Integer.toString(i % 10)));
            expected.append(i % 10);
        }
        assertThat(server(net, leader).core().logEntries()).isLessThanOrEqualTo(21);
        assertThat(server(net, leader).core().snapshotIndex()).isPositive();
        net.restart(leader);
        // the snapshot comes back at once; the log tail once a leader confirms it is committed
        assertThat(server(net, leader).appliedIndex()).isEqualTo(server(net, leader).core().snapshotIndex()).isPositive();
        Bytes all = Bytes.of(expected.toString());
        assertThat(net.runUntil(() -> all.equals(server(net, leader).stateMachine().data().get(KEY)), 10 * ELECTION)).isTrue();
        net.heal();
        assertThat(net.runUntil(() -> server(net, lagging).stateMachine().data().containsKey(KEY)
                && server(net, lagging).stateMachine().digest() == server(net, leader).stateMachine().digest(),
                20 * ELECTION)).isTrue();
        assertThat(net.sent("InstallSnapshot")).isPositive();
        // the session table travelled with the snapshot: a late retry of request 100 is still a duplicate
        NodeId now = awaitLeader(net, net.ids);
        assertThat(call(net, now, 500, append(100, "0"))).isEqualTo(new Reply.Applied(new Result.Length(100)));
    }

    @Test
    void statusShowsRoleTermLeaderAndFollowerProgress() {
        TestNet net = cluster(3, CONFIG);
        NodeId leader = awaitLeader(net, net.ids);
        call(net, leader, 1, append(1, "s"));
        NodeStatus s = server(net, leader).status();
        assertThat(s.mode()).isEqualTo("raft");
        assertThat(s.role()).isEqualTo("leader");
        assertThat(s.leader()).isEqualTo(leader);
        assertThat(s.members()).containsExactlyElementsOf(net.ids);
        assertThat(s.epoch()).isPositive();
        assertThat(s.applied()).isEqualTo(server(net, leader).core().commitIndex());
        assertThat(s.details()).containsKey("commitIndex");
        assertThat(s.details().keySet()).filteredOn(k -> k.startsWith("matchIndex.")).hasSize(2);
    }
}
