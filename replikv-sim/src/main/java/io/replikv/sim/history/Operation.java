package io.replikv.sim.history;

import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.util.Invariants;

/**
 * One client operation as a history records it: what was called, when it was called, when it
 * returned and how it ended. Times are in any monotonic unit (ticks in the simulator,
 * nanoseconds against a live cluster); only their order matters.
 *
 * <p>For the checker: an {@link Outcome.Ok} took effect at one instant between call and return;
 * an {@link Outcome.NotApplied} never took effect (the checker drops it); an {@link Outcome.Unknown}
 * or an operation that never returned ({@code returnTime == NEVER}, {@code outcome == null}) may
 * take effect at any instant after its call, or never.
 */
public record Operation(long id, String client, Command command, long callTime, long returnTime, Outcome outcome) {
    public static final long NEVER = Long.MAX_VALUE;

    public Operation {
        Invariants.check(returnTime >= callTime, "operation %d returns before its call", id);
        Invariants.check((outcome == null) == (returnTime == NEVER), "operation %d: no outcome iff never returned", id);
    }

    /** True if the operation may have taken effect without the client learning its result. */
    public boolean indefinite() {
        return outcome == null || outcome instanceof Outcome.Unknown;
    }
}
