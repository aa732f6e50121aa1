package io.replikv.sim.vsraft;

import io.replikv.sim.pb.ClerkNode;
import io.replikv.sim.pb.ViewServiceNineSteps;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.replicated.ReplicatedNode;
import io.replikv.sim.pb.ReplicatedPbViewService;
import io.replikv.sim.Cluster;
import io.replikv.sim.LinkSettings;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The original view service test (specs §3), all nine steps ({@link ViewServiceNineSteps}), against a
 * replicated view service of three members in virtual time: the same steps as for the single one, spoken through
 * one member — the leader, or a follower that relays to it; every request is answered once it is
 * committed in the Raft log and applied to the copies of the view service. Three clerks ck1..ck3 stand for the servers; "a server
 * dies" means its clerk stops pinging. Between the steps nothing else changes, so the replicated
 * service must behave exactly as the single one.
 */
class ReplicatedViewServiceSimTest {
    private static final List<NodeId> VS = VsRaftPbSim.vsIds(3);
    private static final long PING_INTERVAL = ViewServiceConfig.PING_INTERVAL_TICKS_DEFAULT;
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
        c = ViewServiceNineSteps.withClerks(b)
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

    @ParameterizedTest(name = "through a follower: {0}")
    @ValueSource(booleans = {false, true})
    void viewServiceTest(boolean throughFollower) {
        setUp(throughFollower);
        new ViewServiceNineSteps(c, this::call).run();
        // every member applied the same committed view
        c.tick(PING_INTERVAL);
        View leaderView = memberView(leader());
        for (NodeId m : VS) assertThat(memberView(m)).as("view of %s", m).isEqualTo(leaderView);
    }
}
