package io.replikv.sim;

import java.util.List;

/**
 * Something went wrong inside a simulation: a node threw (a broken invariant fails the seed) or
 * the harness was misused. The message names the seed and the tick, says how to replay, and
 * ends with the last lines of the trace.
 */
public final class SimulationFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Trace lines quoted in the message: enough to see what led up to it, short enough to read. */
    public static final int TRACE_LINES_QUOTED = 30;

    private final long seed;
    private final long tick;

    public SimulationFailure(long seed, long tick, String what, List<String> traceTail, Throwable cause) {
        super(message(seed, tick, what, traceTail), cause);
        this.seed = seed;
        this.tick = tick;
    }

    public long seed() {
        return seed;
    }

    public long tick() {
        return tick;
    }

    /** The one-line replay hint every failure carries. */
    public static String replayHint(long seed) {
        return "replay: run the same test with seed " + seed + " (Cluster.builder().seed(" + seed
                + ") / new Simulator(" + seed + ")); same seed, same run";
    }

    static String message(long seed, long tick, String what, List<String> traceTail) {
        StringBuilder b = new StringBuilder();
        b.append("seed=").append(seed).append(" tick=").append(tick).append(": ").append(what)
                .append("\n").append(replayHint(seed));
        if (!traceTail.isEmpty()) {
            b.append("\nlast trace lines:");
            for (String line : traceTail) b.append("\n  ").append(line);
        }
        return b.toString();
    }
}
