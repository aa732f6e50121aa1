package io.replikv.server.runtime;

import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.twophase.TwoPcConfig;
import io.replikv.core.twophase.TwoPcReplicaCore;
import java.util.List;
import java.util.TreeSet;

/**
 * Mode 2pc: an equal replica that coordinates two-phase commits over the current view. Its
 * members are this node and every {@code --peers} entry; the view service ({@code --viewservice}:
 * one, or the members of a replicated one, pinged in turn) decides which of them are in the view. Ready once it is a replica of a view.
 */
public final class TwoPcModeFactory implements ModeFactory {
    @Override
    public String mode() {
        return "2pc";
    }

    @Override
    public Node create(ModeContext context) {
        NodeConfig config = context.config();
        if (config.viewServices().isEmpty()) {
            throw new IllegalArgumentException("mode 2pc needs --viewservice HOST:PORT (or NAME=HOST:PORT,... for a replicated one)");
        }
        TreeSet<NodeId> members = new TreeSet<>(config.peerNames());
        members.add(config.self());
        return new TwoPcReplicaCore(config.self(), List.copyOf(members), config.viewServiceIds(),
                config(config.tickMs()), context.prng(), context.storage());
    }

    /** The default 2pc timings (100 ms pings, 0.5 s votes ...) in ticks of {@code tickMs}. */
    static TwoPcConfig config(int tickMs) {
        TwoPcConfig d = TwoPcConfig.DEFAULT;
        return new TwoPcConfig(Ticks.scale(d.pingIntervalTicks(), tickMs), d.deadPings(),
                Ticks.scale(d.voteTimeoutTicks(), tickMs), Ticks.scale(d.resendTicks(), tickMs), d.txnAttemptsMax(),
                Ticks.scale(d.retryBackoffTicksMax(), tickMs), d.coordinatedTxnsMax(), d.waitingReadsMax());
    }

    @Override
    public boolean ready(NodeStatus status) {
        return status.role().equals("replica");
    }
}
