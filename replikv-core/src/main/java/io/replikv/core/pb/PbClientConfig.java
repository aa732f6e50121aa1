package io.replikv.core.pb;

import io.replikv.core.util.Invariants;

/**
 * Timing of a pb client, in ticks.
 *
 * @param attemptTicks      how long to wait for the primary's (or the view service's) answer before
 *                          taking it for failed
 * @param retryWaitTicks    the pause between two tries (the original clerk sleeps one ping interval)
 * @param operationTicksMax give up an operation after this long (0: retry forever, as the original clerk does)
 */
public record PbClientConfig(long attemptTicks, long retryWaitTicks, long operationTicksMax) {
    /** 500 ms: the view service's dead time; a live primary answers far sooner. */
    public static final long ATTEMPT_TICKS_DEFAULT = 50;
    /** 100 ms, one ping interval, as the original clerk. */
    public static final long RETRY_WAIT_TICKS_DEFAULT = 10;

    public static final PbClientConfig DEFAULT = new PbClientConfig(ATTEMPT_TICKS_DEFAULT, RETRY_WAIT_TICKS_DEFAULT, 0);

    public PbClientConfig {
        Invariants.check(attemptTicks > 0 && retryWaitTicks > 0 && operationTicksMax >= 0,
                "bad pb client config %d %d %d", attemptTicks, retryWaitTicks, operationTicksMax);
    }
}
