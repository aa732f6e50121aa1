package io.replikv.server.transport;

/** Limits of the peer transport (documented in docs/limits.md). */
public final class PeerLimits {
    private PeerLimits() {}

    /**
     * Largest frame body, in bytes. A frame carries one message; the largest (a state transfer or
     * snapshot chunk) is built to stay well below this. A bigger length prefix closes the connection.
     */
    public static final int FRAME_BYTES_MAX = 16 * 1024 * 1024;

    /**
     * Messages queued per peer while it is slow or unreachable. When full the oldest is dropped
     * and counted: newer messages (heartbeats, retries) supersede older ones, and protocols retry.
     */
    public static final int OUTBOUND_QUEUE_MESSAGES_MAX = 4_096;

    /** First reconnect delay after a failed connection, in milliseconds. */
    public static final long RECONNECT_BACKOFF_MS_MIN = 50;

    /** Reconnect delays double up to this ceiling, in milliseconds, so a dead peer costs little. */
    public static final long RECONNECT_BACKOFF_MS_MAX = 5_000;

    /** How long a TCP connect may take, in milliseconds, before it counts as failed. */
    public static final int CONNECT_TIMEOUT_MS = 3_000;

    /** An inbound connection must say hello within this many milliseconds or it is closed. */
    public static final long HELLO_TIMEOUT_MS = 5_000;

    /** Inbound peer connections at once; more are closed at once (a cluster has a handful of peers). */
    public static final int INBOUND_CONNECTIONS_MAX = 256;

    /** Longest address string in a hello, in characters. */
    public static final int HELLO_ADDRESS_CHARS_MAX = 256;

    /** Outbound socket buffer marks, in bytes: above the high mark the link stops taking from its queue. */
    public static final int WRITE_BUFFER_LOW_BYTES = 1024 * 1024;
    public static final int WRITE_BUFFER_HIGH_BYTES = 4 * 1024 * 1024;
}
