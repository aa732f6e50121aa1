package io.replikv.sim;

import io.replikv.core.NodeId;
import io.replikv.core.client.ClientConfig;
import io.replikv.core.client.ClientCore;
import io.replikv.core.client.ClientNode;
import io.replikv.core.util.Prng;
import java.util.List;

/** Builds a simulated client: a {@link ClientNode} that knows the cluster's servers. */
@FunctionalInterface
public interface ClientFactory {
    ClientNode create(NodeId id, List<NodeId> servers, Prng prng);

    /** The generic {@link ClientCore} with the given timing. */
    static ClientFactory core(ClientConfig config) {
        return (id, servers, prng) -> new ClientCore(id, servers, prng, config);
    }
}
