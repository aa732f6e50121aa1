package io.replikv.server.check;

import java.nio.file.Path;
import java.util.Set;

/**
 * What one {@code replikv check} run does (docs/check.md).
 *
 * @param data            the cluster's data directory (holding cluster.json)
 * @param clients         logical clients, each one operation at a time
 * @param durationS       how long the workload runs, in seconds
 * @param keys            how many keys the workload spreads over
 * @param nemesis         the nemesis's faults as given to --nemesis: a comma list of kill, pause, restart; or none
 * @param intervalMs      one nemesis round every this many milliseconds
 * @param seed            seeds the workload and the nemesis plan
 */
public record CheckConfig(Path data, int clients, int durationS, int keys, String nemesis,
                          long intervalMs, long seed) {
    /** Most logical clients: each is a thread and a connection per server. */
    public static final int CLIENTS_MAX = 64;
    /** Longest run, in seconds: an hour of history is already more than the checker can search quickly. */
    public static final int DURATION_S_MAX = 3_600;
    /** Most keys: more keys mean fewer operations per key, and so less to catch. */
    public static final int KEYS_MAX = 1_000;
    /** Shortest nemesis interval, in milliseconds: below a few ticks a fault is over before anyone notices. */
    public static final long INTERVAL_MS_MIN = 100;
    /** Longest nemesis interval, in milliseconds. */
    public static final long INTERVAL_MS_MAX = 600_000;

    public CheckConfig {
        NemesisPlan.parse(nemesis); // throws IllegalArgumentException for an unknown fault
        if (clients < 1 || clients > CLIENTS_MAX) throw new IllegalArgumentException("--clients must be 1.." + CLIENTS_MAX);
        if (durationS < 1 || durationS > DURATION_S_MAX) throw new IllegalArgumentException("--duration-s must be 1.." + DURATION_S_MAX);
        if (keys < 1 || keys > KEYS_MAX) throw new IllegalArgumentException("--keys must be 1.." + KEYS_MAX);
        if (intervalMs < INTERVAL_MS_MIN || intervalMs > INTERVAL_MS_MAX) {
            throw new IllegalArgumentException("--nemesis-interval-ms must be " + INTERVAL_MS_MIN + ".." + INTERVAL_MS_MAX);
        }
    }

    /** The faults of {@link #nemesis}, empty for none. */
    Set<NemesisPlan.Fault> faults() {
        return NemesisPlan.parse(nemesis);
    }
}
