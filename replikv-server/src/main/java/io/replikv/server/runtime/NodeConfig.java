package io.replikv.server.runtime;

import io.replikv.core.NodeId;
import io.replikv.server.transport.HostPort;
import java.nio.file.Path;
import java.util.List;

/**
 * What a mode needs to build its node: who it is, who its peers are, where the view service is,
 * how long a tick lasts, and the seed of its random generator (logged at start so that a run can
 * be related to a simulation).
 *
 * @param viewService the view service's peer address (modes pb, 2pc), or null
 * @param dataDir     the node's data directory (used once storage is on disk)
 */
public record NodeConfig(String mode, NodeId self, List<PeerSpec> peers, HostPort viewService, int tickMs,
                         long seed, Path dataDir) {
    /** The name the view service has on the peer transport. */
    public static final NodeId VIEW_SERVICE = NodeId.of("vs");

    public NodeConfig {
        peers = List.copyOf(peers);
    }

    /** Every configured peer's name, in name order. */
    public List<NodeId> peerNames() {
        return peers.stream().map(PeerSpec::name).sorted().toList();
    }
}
