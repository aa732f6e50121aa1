package io.replikv.sim.pb;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.viewservice.ViewServiceCore;
import io.replikv.sim.Cluster;
import io.replikv.sim.LinkSettings;
import org.junit.jupiter.api.Test;

/**
 * The original view service test (specs §3), all nine steps ({@link ViewServiceNineSteps}), in
 * virtual time on the simulator: the single view service runs as a node, and each ping or view
 * request of a clerk is a round trip over the network (a few ticks).
 */
class ViewServiceSimTest {
    private static final NodeId VS = NodeId.of("vs");
    private static final long RPC_TICKS_MAX = 20;

    private final Cluster c = ViewServiceNineSteps.withClerks(Cluster.builder()
            .seed(1)
            .node(VS, (id, prng, storage) -> new ViewServiceCore(id, ViewServiceConfig.DEFAULT)))
            .network(LinkSettings.RELIABLE)
            .build();

    /** One RPC through a clerk: queue it, tick until the answer arrives. */
    private Message call(NodeId clerk, Message request) {
        ClerkNode node = c.node(clerk, ClerkNode.class);
        int before = node.receivedCount();
        node.queue(VS, request);
        c.tickUntil(clerk + " gets an answer to " + request, () -> node.receivedCount() > before, RPC_TICKS_MAX);
        return node.received(before);
    }

    @Test
    void viewServiceTest() {
        new ViewServiceNineSteps(c, this::call).run();
    }
}
