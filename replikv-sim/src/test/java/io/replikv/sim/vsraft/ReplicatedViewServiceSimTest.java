package io.replikv.sim.vsraft;

import io.replikv.sim.pb.ClerkNode;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.viewservice.ViewServiceMessage;
import io.replikv.core.replicated.ReplicatedNode;
import io.replikv.sim.pb.ReplicatedPbViewService;
import io.replikv.sim.Cluster;
import io.replikv.sim.LinkSettings;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The original view service test (specs §3), all nine steps, against a replicated view service of
 * three members in virtual time: the steps of pb's ViewServiceSimTest, unchanged, spoken through
 * one member — the leader, or a follower that relays to it; every request is answered once it is
 * committed in the Raft log and applied to the copies of the view service. Three clerks ck1..ck3 stand for the servers; "a server
 * dies" means its clerk stops pinging. Between the steps nothing else changes, so the replicated
 * service must behave exactly as the single one.
 */
class ReplicatedViewServiceSimTest {
    private static final List<NodeId> VS = VsRaftPbSim.vsIds(3);
    private static final NodeId CK1 = NodeId.of("ck1"), CK2 = NodeId.of("ck2"), CK3 = NodeId.of("ck3");
    private static final long PING_INTERVAL = ViewServiceConfig.PING_INTERVAL_TICKS_DEFAULT;
    private static final int DEAD_PINGS = ViewServiceConfig.DEAD_PINGS_DEFAULT;
    /** A round trip, plus a relay hop and a Raft commit (two more round trips, and a batch in flight to wait for). */
    private static final long RPC_TICKS_MAX = 20;

    private Cluster c;
    private NodeId target; // the member the clerks speak to

    private void setUp(boolean throughFollower) {
        Cluster.Builder b = Cluster.builder().seed(1);
        for (NodeId m : VS) {
            b.node(m, (id, prng, storage) -> ReplicatedPbViewService.member(id, VS, storage, prng, ViewServiceConfig.DEFAULT,
                    VsRaftPbSim.REPLICATED));
        }
        c = b.node(CK1, (id, prng, storage) -> new ClerkNode(id))
                .node(CK2, (id, prng, storage) -> new ClerkNode(id))
                .node(CK3, (id, prng, storage) -> new ClerkNode(id))
                .network(LinkSettings.RELIABLE)
                .build();
        c.tickUntil("a leader that has committed in its term", () -> leader() != null
                && member(leader()).core().commitIndex() >= 1 && followersKnow(leader()), 1_000);
        NodeId leader = leader();
        target = throughFollower ? VS.stream().filter(m -> !m.equals(leader)).findFirst().orElseThrow() : leader;
    }

    private ReplicatedNode member(NodeId id) {
        return c.node(id, ReplicatedNode.class);
    }

    private View memberView(NodeId id) {
        return ReplicatedPbViewService.inner(member(id)).view();
    }

    private NodeId leader() {
        return VS.stream().filter(m -> member(m).isLeader()).findFirst().orElse(null);
    }

    private boolean followersKnow(NodeId leader) {
        return VS.stream().allMatch(m -> leader.equals(member(m).core().leader()));
    }

    /**
     * The answer from the member spoken to. (The generic service's leader answers a relayed request
     * both directly and through the relaying member; only the latter is the answer of the member the
     * clerk spoke to, as a pb server counts it, and taking the first of two would leave the other to
     * be mistaken for the answer to the next request.)
     */
    private Message call(NodeId clerk, Message request) {
        ClerkNode node = c.node(clerk, ClerkNode.class);
        int before = node.receivedCount();
        node.queue(target, request);
        c.tickUntil(clerk + " gets an answer to " + request, () -> answerFromTarget(node, before) >= 0, RPC_TICKS_MAX);
        return node.received(answerFromTarget(node, before));
    }

    private int answerFromTarget(ClerkNode node, int from) {
        for (int i = from; i < node.receivedCount(); i++) {
            if (node.receivedFrom(i).equals(target)) return i;
        }
        return -1;
    }

    private View ping(NodeId clerk, long viewNumber) {
        var reply = (ViewServiceMessage.PingReply) call(clerk, new ViewServiceMessage.Ping(viewNumber));
        assertThat(reply.pingedNumber()).isEqualTo(viewNumber);
        return reply.view();
    }

    private View get(NodeId clerk) {
        return ((ViewServiceMessage.ViewReply) call(clerk, new ViewServiceMessage.GetView(0))).view();
    }

    private void check(NodeId clerk, NodeId primary, NodeId backup, long number) {
        View v = get(clerk);
        assertThat(v.primary()).as("primary of %s; %s", v, c.seedHint()).isEqualTo(primary);
        assertThat(v.backups()).as("backups of %s", v).isEqualTo(backup == null ? List.of() : List.of(backup));
        if (number != 0) assertThat(v.number()).as("number of %s", v).isEqualTo(number);
    }

    private void sleep() {
        c.tick(PING_INTERVAL);
    }

    @ParameterizedTest(name = "through a follower: {0}")
    @ValueSource(booleans = {false, true})
    void viewServiceTest(boolean throughFollower) {
        setUp(throughFollower);
        assertThat(get(CK1).primary()).as("there was a primary too soon").isNull();
        step1FirstPrimary();
        step2FirstBackup();
        step3BackupTakesOverIfPrimaryFails();
        step4RestartedServerBecomesBackup();
        step5IdleThirdServerBecomesBackupIfPrimaryFails();
        step6RestartedPrimaryTreatedAsDead();
        step7DeadBackupIsRemovedFromView();
        step8ViewServiceWaitsForThePrimaryToAcknowledge();
        step9UninitialisedServerCannotBecomePrimary();
        // every member applied the same committed view
        c.tick(PING_INTERVAL);
        View leaderView = memberView(leader());
        for (NodeId m : VS) assertThat(memberView(m)).as("view of %s", m).isEqualTo(leaderView);
    }

    private void step1FirstPrimary() {
        for (int i = 0; i < DEAD_PINGS * 2; i++) {
            if (CK1.equals(ping(CK1, 0).primary())) break;
            sleep();
        }
        check(CK1, CK1, null, 1);
    }

    private void step2FirstBackup() {
        View vx = get(CK1);
        for (int i = 0; i < DEAD_PINGS * 2; i++) {
            ping(CK1, 1);
            if (ping(CK2, 0).backups().equals(List.of(CK2))) break;
            sleep();
        }
        check(CK1, CK1, CK2, vx.number() + 1);
    }

    private void step3BackupTakesOverIfPrimaryFails() {
        ping(CK1, 2);
        View vx = ping(CK2, 2);
        for (int i = 0; i < DEAD_PINGS * 2; i++) {
            View v = ping(CK2, vx.number());
            if (CK2.equals(v.primary()) && v.backups().isEmpty()) break;
            sleep();
        }
        check(CK2, CK2, null, vx.number() + 1);
    }

    private void step4RestartedServerBecomesBackup() {
        View vx = get(CK2);
        ping(CK2, vx.number());
        for (int i = 0; i < DEAD_PINGS * 2; i++) {
            ping(CK1, 0);
            View v = ping(CK2, vx.number());
            if (CK2.equals(v.primary()) && v.backups().equals(List.of(CK1))) break;
            sleep();
        }
        check(CK2, CK2, CK1, vx.number() + 1);
    }

    private void step5IdleThirdServerBecomesBackupIfPrimaryFails() {
        View vx = get(CK2);
        ping(CK2, vx.number());
        for (int i = 0; i < DEAD_PINGS * 2; i++) {
            ping(CK3, 0);
            View v = ping(CK1, vx.number());
            if (CK1.equals(v.primary()) && v.backups().equals(List.of(CK3))) break;
            vx = v;
            sleep();
        }
        check(CK1, CK1, CK3, vx.number() + 1);
    }

    private void step6RestartedPrimaryTreatedAsDead() {
        View vx = get(CK1);
        ping(CK1, vx.number());
        for (int i = 0; i < DEAD_PINGS * 2; i++) {
            ping(CK1, 0);
            ping(CK3, vx.number());
            if (!CK1.equals(get(CK1).primary())) break;
            sleep();
        }
        assertThat(get(CK1).primary()).isEqualTo(CK3);
    }

    private void step7DeadBackupIsRemovedFromView() {
        for (int i = 0; i < DEAD_PINGS * 3; i++) {
            ping(CK3, get(CK3).number());
            sleep();
        }
        check(CK3, CK3, null, 0);
    }

    private void step8ViewServiceWaitsForThePrimaryToAcknowledge() {
        View vx = get(CK1);
        for (int i = 0; i < DEAD_PINGS * 3; i++) {
            ping(CK1, 0);
            ping(CK3, vx.number());
            if (get(CK1).number() > vx.number()) break;
            sleep();
        }
        check(CK1, CK3, CK1, vx.number() + 1);
        View vy = get(CK1);
        for (int i = 0; i < DEAD_PINGS * 3; i++) {
            if (ping(CK1, vy.number()).number() > vy.number()) break;
            sleep();
        }
        check(CK2, CK3, CK1, vy.number());
    }

    private void step9UninitialisedServerCannotBecomePrimary() {
        for (int i = 0; i < DEAD_PINGS * 2; i++) {
            View v = get(CK1);
            ping(CK1, v.number());
            ping(CK2, 0);
            ping(CK3, v.number());
            sleep();
        }
        for (int i = 0; i < DEAD_PINGS * 2; i++) {
            ping(CK2, 0);
            sleep();
        }
        assertThat(get(CK2).primary()).as("uninitialised server became primary; %s", c.seedHint()).isNotEqualTo(CK2);
    }
}
