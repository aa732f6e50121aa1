package io.replikv.sim.swarm;

import io.replikv.core.util.Invariants;

/**
 * What is fixed for every seed of a swarm run (everything else is drawn from the seed).
 *
 * @param faultTicks    length of the fault phase, in ticks
 * @param nodes         server count; 0 draws it per seed from the mode's counts
 * @param traceLinesMax trace lines kept per seed (the digest covers every line anyway); a
 *                      replay keeps many, a bulk run a few for the failure message
 */
public record SwarmSettings(long faultTicks, int nodes, int traceLinesMax) {
    /** Fault-phase ticks by default: 2,000 ticks is 20 s of a 10 ms-tick cluster, dozens of faults per seed. */
    public static final long FAULT_TICKS_DEFAULT = 2_000;

    /** Trace lines a bulk run keeps per seed: the tail a failure message quotes. */
    public static final int TRACE_LINES_BULK = 100;

    /** Trace lines a replay keeps: every line of any run with the default ticks. */
    public static final int TRACE_LINES_REPLAY = 5_000_000;

    public SwarmSettings {
        Invariants.check(faultTicks >= 0 && nodes >= 0 && traceLinesMax > 0, "bad swarm settings %d %d %d",
                faultTicks, nodes, traceLinesMax);
    }

    public static SwarmSettings bulk(long faultTicks, int nodes) {
        return new SwarmSettings(faultTicks, nodes, TRACE_LINES_BULK);
    }

    public SwarmSettings withTraceLinesMax(int lines) {
        return new SwarmSettings(faultTicks, nodes, lines);
    }
}
