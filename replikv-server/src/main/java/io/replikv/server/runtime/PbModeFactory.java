package io.replikv.server.runtime;

import io.replikv.core.Node;
import io.replikv.core.NodeStatus;
import io.replikv.core.pb.PbConfig;
import io.replikv.core.pb.PbServerCore;

/**
 * Mode pb: a server that pings the view service ({@code --viewservice}) and serves as primary,
 * backup or idle as the view says. Every server must be able to reach the others by name
 * ({@code --peers}), since the primary forwards to the backups the view names. Ready once it is
 * the synced primary, or knows a primary to relay clients to.
 */
public final class PbModeFactory implements ModeFactory {
    @Override
    public String mode() {
        return "pb";
    }

    @Override
    public Node create(ModeContext context) {
        NodeConfig config = context.config();
        if (config.viewService() == null) throw new IllegalArgumentException("mode pb needs --viewservice HOST:PORT");
        PbConfig d = PbConfig.DEFAULT;
        PbConfig scaled = new PbConfig(Ticks.scale(d.pingIntervalTicks(), config.tickMs()),
                Ticks.scale(d.retryTicks(), config.tickMs()), Ticks.scale(d.ackWaitTicksMax(), config.tickMs()),
                Ticks.scale(d.relayTicksMax(), config.tickMs()), d.transferChunkBytesMax(), d.pendingRequestsMax());
        return new PbServerCore(config.self(), NodeConfig.VIEW_SERVICE, scaled);
    }

    @Override
    public boolean ready(NodeStatus status) {
        // a primary serves once it holds the state; any other server relays to the primary it knows
        if (status.role().equals("primary")) return "true".equals(status.details().get("synced"));
        return status.leader() != null;
    }
}
