package io.replikv.sim.vsraft;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.replicated.ReplicatedNode;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.viewservice.ViewServiceMessage;
import io.replikv.sim.Cluster;
import io.replikv.sim.LinkSettings;
import io.replikv.sim.pb.ClerkNode;
import io.replikv.sim.pb.ReplicatedPbViewService;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A compaction restarts every copy of the replicated view service; what the single view service
 * keeps across its own restart must therefore be all it needs. Here: a backup restarts while its
 * view waits for the primary's acknowledgement (the restart cannot change the view yet), learns
 * the view again and pings its number; compactions restart the service; then the primary
 * acknowledges. The service must still drop the backup that lost its state, as it would without
 * the compactions. Two clerks stand for the servers and speak to the leader.
 */
class ReplicatedVsCompactionTest {
    private static final List<NodeId> VS = VsRaftPbSim.vsIds(3);
    private static final NodeId CK1 = NodeId.of("ck1"), CK2 = NodeId.of("ck2");
    /** A compaction every 20 entries: a few ping intervals of the two clerks. */
    private static final long COMPACTION_INTERVAL_ENTRIES = 20;
    private static final long RPC_TICKS_MAX = 20;

    private Cluster c;

    private ReplicatedNode leader() {
        for (NodeId m : VS) {
            ReplicatedNode n = c.node(m, ReplicatedNode.class);
            if (n.isLeader()) return n;
        }
        return null;
    }

    private View ping(NodeId clerk, long number) {
        ClerkNode node = c.node(clerk, ClerkNode.class);
        NodeId target = leader().id();
        int before = node.receivedCount();
        node.queue(target, new ViewServiceMessage.Ping(number));
        c.tickUntil(clerk + " is answered", () -> node.receivedCount() > before, RPC_TICKS_MAX);
        Message m = node.received(before);
        return ((ViewServiceMessage.PingReply) m).view();
    }

    @Test
    void aRestartSeenBeforeTheAcknowledgementOutlivesCompactions() {
        Cluster.Builder b = Cluster.builder().seed(31).network(LinkSettings.RELIABLE);
        for (NodeId m : VS) {
            b.node(m, (id, prng, storage) -> ReplicatedPbViewService.member(id, VS, storage, prng, ViewServiceConfig.DEFAULT,
                    ReplicatedPbViewService.REPLICATED.withCompactionIntervalEntries(COMPACTION_INTERVAL_ENTRIES)));
        }
        c = b.node(CK1, (id, prng, storage) -> new ClerkNode(id)).node(CK2, (id, prng, storage) -> new ClerkNode(id)).build();
        c.tickUntil("a leader that has committed in its term", () -> leader() != null && leader().core().commitIndex() >= 1, 1_000);
        c.tick(10);

        assertThat(ping(CK1, 0).number()).isEqualTo(1);
        ping(CK1, 1);
        assertThat(ping(CK2, 0)).isEqualTo(new View(2, CK1, List.of(CK2)));
        ping(CK2, 2);
        assertThat(ping(CK2, 0).number()).as("a restart, kept until the acknowledgement").isEqualTo(2);
        long compactions = leader().compactions();
        for (int i = 0; i < 200 && leader().compactions() < compactions + 2; i++) {
            ping(CK1, 1); // alive, not acknowledging view 2 yet
            ping(CK2, 2); // it learned the view again
            c.tick(ViewServiceConfig.PING_INTERVAL_TICKS_DEFAULT);
        }
        assertThat(leader().compactions()).as("the service restarted meanwhile").isGreaterThanOrEqualTo(compactions + 2);
        ping(CK2, 2);
        assertThat(ping(CK1, 2)).as("the acknowledgement drops the restarted backup; %s", c.seedHint())
                .isEqualTo(new View(3, CK1, List.of()));
    }
}
