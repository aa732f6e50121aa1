package io.replikv.sim.check;

import io.replikv.core.util.Invariants;

/**
 * How much search the linearizability checker may spend before it answers UNKNOWN instead of
 * running on. Checking linearizability is NP-complete; a history with many long-overlapping or
 * indefinite writes can make the search explode, and a seed that hangs the test suite helps nobody.
 * A state is one (set of linearized operations, value) pair the search stored in its cache.
 *
 * @param statesPerKeyMax   states explored for one key before that key is UNKNOWN
 * @param statesTotalMax    states explored over all keys; keys left when it runs out are UNKNOWN
 * @param cacheBytesPerKeyMax estimated memory held by one key's cache before that key is UNKNOWN
 */
public record Budget(long statesPerKeyMax, long statesTotalMax, long cacheBytesPerKeyMax) {
    /**
     * States per key by default. A linearizable history of n operations with moderate concurrency
     * needs about n states (the search walks straight through); a few thousand operations per key
     * with Unknown writes rarely need 100 times that. Half a million keeps a key under about a
     * second and, with the byte budget, under a few hundred MiB.
     */
    public static final long STATES_PER_KEY_MAX = 500_000;

    /** States over all keys by default: four keys' worth of the per-key budget, so a run ends in seconds. */
    public static final long STATES_TOTAL_MAX = 2_000_000;

    /**
     * Estimated cache memory per key by default, in bytes: each state keeps a bitset of the key's
     * operations and, for Append and PutHash, the value it built. 256 MiB fits the default heap of a
     * test JVM on the project's machines (a quarter of several GiB) next to everything else.
     */
    public static final long CACHE_BYTES_PER_KEY_MAX = 256L * 1024 * 1024;

    public static final Budget DEFAULT = new Budget(STATES_PER_KEY_MAX, STATES_TOTAL_MAX, CACHE_BYTES_PER_KEY_MAX);

    public Budget {
        Invariants.check(statesPerKeyMax > 0 && statesTotalMax > 0 && cacheBytesPerKeyMax > 0,
                "budgets must be positive: %d states per key, %d states in all, %d bytes per key",
                statesPerKeyMax, statesTotalMax, cacheBytesPerKeyMax);
    }
}
