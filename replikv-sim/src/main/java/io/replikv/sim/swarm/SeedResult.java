package io.replikv.sim.swarm;

import io.replikv.sim.Trace;
import io.replikv.sim.check.CheckResult;
import io.replikv.sim.history.Operation;
import java.util.List;

/**
 * The verdict of one seed: passed, or the first check that failed; plus what a replay compares
 * (the trace digest and the history) and a few counts.
 *
 * @param linearizability the checker's verdict (null if the run failed before the history was checked)
 * @param indefinite      operations that ended Unknown or never returned
 * @param livenessWaived  null, or why the mode's design could not make progress after the faults
 *                        ({@link ModeCluster#stuckByDesign()}): the liveness requirement was waived
 */
public record SeedResult(String mode, long seed, SwarmOptions options, Failure failure, long ticks,
                         List<Operation> history, long indefinite, CheckResult.Verdict linearizability,
                         String faults, String livenessWaived, Trace trace) {
    /** Why a seed failed: the check ({@link Check}), a one-line reason, and the details for a human. */
    public record Failure(Check check, String reason, String details) {}

    /** The checks a seed can fail, in the order a run meets them. */
    public enum Check {
        /** A node threw: a core broke one of its own invariants (or the harness was misused). */
        NODE_FAILED,
        /** A mode's safety check after a tick (two leaders in a term, a committed entry lost ...). */
        SAFETY,
        /** Replicas at the same applied count held different states. */
        AGREEMENT,
        /** After the faults stopped, an operation did not complete, or the cluster did not converge, within its budget. */
        LIVENESS,
        /** The history is not linearizable. */
        LINEARIZABILITY
    }

    public boolean passed() {
        return failure == null;
    }

    public long traceDigest() {
        return trace.digest();
    }

    /** One line: "seed S: ok" or "seed S: FAIL CHECK: reason". */
    public String line() {
        if (passed()) return "seed " + seed + ": ok (" + history.size() + " ops, " + indefinite + " indefinite, "
                + linearizability + ", " + faults + (livenessWaived == null ? "" : "; liveness waived: " + livenessWaived) + ")";
        return "seed " + seed + ": FAIL " + failure.check() + ": " + failure.reason();
    }
}
