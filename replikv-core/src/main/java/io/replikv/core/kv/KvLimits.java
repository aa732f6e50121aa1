package io.replikv.core.kv;

/**
 * Limits of the KV state machine. Every user-visible one is documented in docs/limits.md. A
 * request beyond a limit is refused before it is replicated (a definite error), and the state
 * machine refuses it again at apply time (so replicas agree even if a front door forgot).
 */
public final class KvLimits {
    private KvLimits() {}

    /** Largest key, in bytes. Keys travel in every forward and lock table; 4 KiB is generous. */
    public static final int KEY_BYTES_MAX = 4 * 1024;

    /** Largest value, in bytes (also the cap for the result of Append). 1 MiB keeps a write in one frame. */
    public static final int VALUE_BYTES_MAX = 1024 * 1024;

    /**
     * How many client sessions the at-most-once table holds. Beyond it the least recently used
     * session is evicted (deterministically, by apply order); a request of an evicted session is
     * refused as expired, definitely not applied, and the client starts a new session.
     */
    public static final int SESSIONS_MAX = 65_536;
}
