package io.replikv.server.check;

import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.sim.history.History;
import io.replikv.sim.history.Operation;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The history of a live check, shared by the client threads: each operation's call and return,
 * stamped in microseconds since the recorder was made, from a monotonic nanosecond clock
 * (System.nanoTime in the command). Microseconds keep the checker's report readable; two events
 * in the same microsecond count as concurrent, which can only make the check more lenient. Once {@link #close() closed}, it
 * takes no new calls and ignores late returns: an operation still running then stays "never
 * returned", which the checker reads as "may take effect at any time after its call, or never".
 */
final class Recorder {
    private final History history = new History();
    private final LongSupplier nanoClock;
    private final long originNanos;
    private long nextId = 1;
    private boolean closed;

    Recorder(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.originNanos = nanoClock.getAsLong();
    }

    /** Microseconds since the recorder was made: the history's time. */
    long now() {
        return (nanoClock.getAsLong() - originNanos) / 1_000;
    }

    /** Records a call now; its id, or -1 once closed (the caller must not run the command then). */
    synchronized long call(String client, Command command) {
        if (closed) return -1;
        long id = nextId++;
        history.call(id, client, command, now());
        return id;
    }

    /** Records the return of operation {@code id} now, unless the recorder is closed. */
    synchronized void complete(long id, Outcome outcome) {
        if (closed) return;
        history.complete(id, now(), outcome);
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
