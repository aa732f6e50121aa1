package io.replikv.server.check;

import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.sim.history.History;
import io.replikv.sim.history.Operation;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The history of a live check, shared by the client threads: each operation's call and return,
 * stamped with a monotonic clock (System.nanoTime in the command). Once {@link #close() closed}, it
 * takes no new calls and ignores late returns: an operation still running then stays "never
 * returned", which the checker reads as "may take effect at any time after its call, or never".
 */
final class Recorder {
    private final History history = new History();
    private final LongSupplier clock;
    private long nextId = 1;
    private boolean closed;

    Recorder(LongSupplier clock) {
        this.clock = clock;
    }

    long now() {
        return clock.getAsLong();
    }

    /** Records a call now; its id, or -1 once closed (the caller must not run the command then). */
    synchronized long call(String client, Command command) {
        if (closed) return -1;
        long id = nextId++;
        history.call(id, client, command, clock.getAsLong());
        return id;
    }

    /** Records the return of operation {@code id} now, unless the recorder is closed. */
    synchronized void complete(long id, Outcome outcome) {
        if (closed) return;
        history.complete(id, clock.getAsLong(), outcome);
    }

    /** Runs {@code command} through {@code store} and records it; false once closed. */
    boolean run(String client, KvStore store, Command command) {
        long id = call(client, command);
        if (id < 0) return false;
        complete(id, Outcomes.execute(store, command));
        return true;
    }

    /** Stops recording; every operation, in call order, those still running as never returned. */
    synchronized List<Operation> close() {
        closed = true;
        return history.operations();
    }
}
