package io.replikv.core.twophase;

import io.replikv.core.util.Invariants;

/**
 * Timing and limits of mode 2pc, in ticks, shared by the group view service and the replicas
 * (both must agree on the ping interval and dead count: a replica's read lease is derived from
 * them).
 *
 * @param pingIntervalTicks    how often a replica pings the group view service
 * @param deadPings            a replica silent for this many ping intervals is dropped from the view (at least 2)
 * @param voteTimeoutTicks     a coordinator aborts a transaction whose votes are not all in after this long
 * @param resendTicks          unanswered Commits, Inquiries and view-change messages are sent again after this long
 * @param txnAttemptsMax       a write aborted this many times (conflicts, timeouts) is answered Rejected(BUSY)
 * @param retryBackoffTicksMax the ceiling of the jittered backoff between attempts of one write
 * @param coordinatedTxnsMax   writes one replica coordinates at once; beyond it clients get Rejected(BUSY)
 * @param waitingReadsMax      reads waiting for a locked key at one replica; beyond it Rejected(BUSY)
 */
public record TwoPcConfig(long pingIntervalTicks, int deadPings, long voteTimeoutTicks, long resendTicks,
                          int txnAttemptsMax, long retryBackoffTicksMax, int coordinatedTxnsMax, int waitingReadsMax) {
    public TwoPcConfig {
        Invariants.check(pingIntervalTicks > 0 && deadPings >= 2 && voteTimeoutTicks > 0 && resendTicks > 0
                        && txnAttemptsMax > 0 && retryBackoffTicksMax > 0 && coordinatedTxnsMax > 0 && waitingReadsMax > 0,
                "bad 2pc config %d %d %d %d %d %d %d %d", pingIntervalTicks, deadPings, voteTimeoutTicks, resendTicks,
                txnAttemptsMax, retryBackoffTicksMax, coordinatedTxnsMax, waitingReadsMax);
    }

    /**
     * With 10 ms ticks: ping every 100 ms, dead after 5 missed pings (0.5 s, as the original view
     * service), votes within 0.5 s, resend after 0.2 s, 8 attempts with backoff up to 0.2 s, 1024
     * writes and 4096 waiting reads per replica (bounded memory; far above what a client fleet on
     * a LAN keeps in flight).
     */
    public static final TwoPcConfig DEFAULT = new TwoPcConfig(10, 5, 50, 20, 8, 20, 1024, 4096);

    /**
     * How long a replica may serve reads after sending a ping that the view service answered with
     * a lease: one ping interval less than the silence after which the view service drops it, so
     * the lease has run out before a view without it can be formed (and the interval is the
     * margin for clock-rate differences between the two processes).
     */
    public long leaseTicks() {
        return (deadPings - 1) * pingIntervalTicks;
    }
}
