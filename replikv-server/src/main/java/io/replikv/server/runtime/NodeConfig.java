package io.replikv.server.runtime;

import io.replikv.core.NodeId;
import java.nio.file.Path;
import java.util.List;

/**
 * What a mode needs to build its node: who it is, who its peers are, where the view service is,
 * how long a tick lasts, and the seed of its random generator (logged at start so that a run can
 * be related to a simulation).
 *
 * @param viewServices every member of the view service (modes pb, 2pc), by name and peer address:
 *                     one named {@link #VIEW_SERVICE} for a single view service; empty (or null) for none
 * @param dataDir      the node's data directory (used once storage is on disk)
 */
public record NodeConfig(String mode, NodeId self, List<PeerSpec> peers, List<PeerSpec> viewServices, int tickMs,
                         long seed, Path dataDir) {
    /** The name a single view service has on the peer transport. */
    public static final NodeId VIEW_SERVICE = NodeId.of("vs");

    public NodeConfig {
        peers = List.copyOf(peers);
        viewServices = viewServices == null ? List.of() : List.copyOf(viewServices);
    }

    /**
     * Parses {@code --viewservice}: {@code HOST:PORT} (a single view service, named
     * {@link #VIEW_SERVICE}) or {@code NAME=HOST:PORT,NAME=HOST:PORT,...} (the members of a
     * replicated one). Null or blank: none. Throws IllegalArgumentException with a message for a user.
     */
    public static List<PeerSpec> parseViewServices(String text) {
        if (text == null || text.isBlank()) return List.of();
        if (!text.contains("=")) return List.of(new PeerSpec(VIEW_SERVICE, io.replikv.server.transport.HostPort.parse(text.trim()), null));
        List<PeerSpec> specs = PeerSpec.parseList(text);
        if (specs.stream().map(PeerSpec::name).distinct().count() != specs.size()) {
            throw new IllegalArgumentException("--viewservice names a member twice: " + text);
        }
        return specs;
    }

    /** The view service's members' names, in the order given (servers ping the first one first). */
    public List<NodeId> viewServiceIds() {
        return viewServices.stream().map(PeerSpec::name).toList();
    }

    /** Every configured peer's name, in name order. */
    public List<NodeId> peerNames() {
        return peers.stream().map(PeerSpec::name).sorted().toList();
    }
}
