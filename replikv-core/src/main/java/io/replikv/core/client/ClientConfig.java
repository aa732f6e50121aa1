package io.replikv.core.client;

import io.replikv.core.util.Invariants;

/**
 * Timing of a client core, in ticks.
 *
 * @param attemptTicks        how long to wait for a reply before trying again (another server)
 * @param retryBackoffTicksMax the ceiling of the backoff between tries after a refusal
 * @param operationTicksMax   give up an operation after this long (0: retry forever, as the original clerks do)
 */
public record ClientConfig(long attemptTicks, long retryBackoffTicksMax, long operationTicksMax) {
    public ClientConfig {
        Invariants.check(attemptTicks > 0 && retryBackoffTicksMax > 0 && operationTicksMax >= 0,
                "bad client config %d %d %d", attemptTicks, retryBackoffTicksMax, operationTicksMax);
    }

    /** With 10 ms ticks: 1 s per attempt, backoff up to 1 s, operations retried forever. */
    public static final ClientConfig DEFAULT = new ClientConfig(100, 100, 0);
}
