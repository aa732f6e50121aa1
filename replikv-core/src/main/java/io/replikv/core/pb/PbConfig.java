package io.replikv.core.pb;

import io.replikv.core.util.Invariants;

/**
 * Timing and limits of a primary/backup server, in ticks and bytes.
 *
 * @param pingIntervalTicks      how often the server pings the view service (must match the view service's)
 * @param retryTicks             how long the primary waits for a backup before sending a forward,
 *                               confirmation or state chunk again
 * @param ackWaitTicksMax        how long a primary holds back the acknowledgement of a new view while
 *                               state transfers to its backups are unfinished (see {@link PbServerCore})
 * @param relayTicksMax          how long a relayed request may wait for the primary's answer
 * @param transferChunkBytesMax  the largest piece of a state transfer
 * @param pendingRequestsMax     client requests the primary queues behind the one in progress
 */
public record PbConfig(long pingIntervalTicks, long retryTicks, long ackWaitTicksMax, long relayTicksMax,
                       int transferChunkBytesMax, int pendingRequestsMax) {
    /** 10 ticks of 10 ms: the original 100 ms ping interval. */
    public static final long PING_INTERVAL_TICKS_DEFAULT = 10;
    /** 30 ms: a few network round trips inside a data centre before a lost message is sent again. */
    public static final long RETRY_TICKS_DEFAULT = 3;
    /**
     * 500 ms, the view service's dead time: if a new backup has not taken the state by then it is
     * probably dead, and only an acknowledged view lets the view service replace it.
     */
    public static final long ACK_WAIT_TICKS_MAX_DEFAULT = 50;
    /** 1 s: beyond that the client has long since tried elsewhere. */
    public static final long RELAY_TICKS_MAX_DEFAULT = 100;
    /**
     * 1 MiB per state chunk: the size of the largest value, so a chunk costs about what a large
     * write costs and stays far below the transport's 16 MiB frame limit with room for the envelope.
     */
    public static final int TRANSFER_CHUNK_BYTES_MAX = 1024 * 1024;
    /** Requests waiting behind the one in progress; beyond it the primary answers BUSY (definitely not applied). */
    public static final int PENDING_REQUESTS_MAX = 1024;
    /** Relayed requests a non-primary server keeps open at once; beyond it it answers BUSY. */
    public static final int RELAYS_MAX = 1024;

    public static final PbConfig DEFAULT = new PbConfig(PING_INTERVAL_TICKS_DEFAULT, RETRY_TICKS_DEFAULT,
            ACK_WAIT_TICKS_MAX_DEFAULT, RELAY_TICKS_MAX_DEFAULT, TRANSFER_CHUNK_BYTES_MAX, PENDING_REQUESTS_MAX);

    public PbConfig {
        Invariants.check(pingIntervalTicks > 0 && retryTicks > 0 && ackWaitTicksMax > 0 && relayTicksMax > 0,
                "bad pb timing %d %d %d %d", pingIntervalTicks, retryTicks, ackWaitTicksMax, relayTicksMax);
        Invariants.check(transferChunkBytesMax > 0 && transferChunkBytesMax <= TRANSFER_CHUNK_BYTES_MAX,
                "transfer chunk must be 1..%d bytes: %d", TRANSFER_CHUNK_BYTES_MAX, transferChunkBytesMax);
        Invariants.check(pendingRequestsMax > 0 && pendingRequestsMax <= PENDING_REQUESTS_MAX,
                "pending requests must be 1..%d: %d", PENDING_REQUESTS_MAX, pendingRequestsMax);
    }

    public PbConfig withTransferChunkBytesMax(int bytes) {
        return new PbConfig(pingIntervalTicks, retryTicks, ackWaitTicksMax, relayTicksMax, bytes, pendingRequestsMax);
    }
}
