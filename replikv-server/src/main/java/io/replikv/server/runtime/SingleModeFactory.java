package io.replikv.server.runtime;

import io.replikv.core.Node;
import io.replikv.core.single.SingleServerCore;

/** Mode single: one server, no replication, always ready. Refuses peers: there is nobody to talk to. */
public final class SingleModeFactory implements ModeFactory {
    @Override
    public String mode() {
        return "single";
    }

    @Override
    public Node create(ModeContext context) {
        if (!context.config().peers().isEmpty()) {
            throw new IllegalArgumentException("mode single runs alone: drop --peers");
        }
        return new SingleServerCore(context.config().self());
    }
}
