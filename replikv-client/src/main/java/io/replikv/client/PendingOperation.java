package io.replikv.client;

import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;
import java.util.concurrent.CompletableFuture;

/**
 * An operation submitted to the client and not finished yet. The future completes with the
 * state machine's result, or exceptionally with a {@link KvException}.
 */
record PendingOperation(Command command, CompletableFuture<Result> future) {
    static PendingOperation of(Command command) {
        return new PendingOperation(command, new CompletableFuture<>());
    }
}
