package io.replikv.core.client;

import io.replikv.core.Node;
import io.replikv.core.kv.Command;

/**
 * A client core: a node that runs one KV operation at a time on behalf of an application (or a
 * simulated client) and reports its end as a {@link io.replikv.core.Completion} in its effects.
 * {@link ClientCore} serves modes where any server takes requests; a mode may bring its own
 * (pb's asks the view service for the primary).
 */
public interface ClientNode extends Node {
    /** Starts an operation; only when {@link #busy()} is false. */
    void invoke(long operationId, Command command);

    /** True while an operation is in flight. */
    boolean busy();
}
