package io.replikv.server;

import io.replikv.core.NodeId;
import io.replikv.server.runtime.PeerSpec;
import io.replikv.server.storage.StorageOptions;
import io.replikv.server.transport.HostPort;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code replikv server} was told (see docs/operations.md).
 *
 * @param client      null for no RESP listener (the view service)
 * @param http        null for no HTTP listener
 * @param viewService null unless the mode uses a view service
 * @param dataDir     null to keep the node's state in memory only
 * @param storage     how the data directory is written (--fsync)
 */
public record ServerConfig(String mode, NodeId name, HostPort client, HostPort peer, HostPort http, Path dataDir,
                           HostPort viewService, List<PeerSpec> peers, int tickMs, StorageOptions storage) {
    public ServerConfig {
        peers = List.copyOf(peers);
    }
}
