package io.replikv.server.storage;

/** Sizes and times of the on-disk storage (docs/durability.md). */
public final class StorageLimits {
    private StorageLimits() {}

    /**
     * A segment is closed and a new one started once it would grow past this many bytes. 64 MiB:
     * few files for a busy node, and compaction frees space in steps small next to a disk.
     */
    public static final long SEGMENT_BYTES_DEFAULT = 64L * 1024 * 1024;

    /** Smallest segment size accepted (tests use tiny segments to exercise rolling). */
    public static final long SEGMENT_BYTES_MIN = 256;

    /**
     * Largest payload of one WAL record, in bytes. Replay holds one record in memory at a time, and
     * a length beyond this is refused before anything is allocated; it is far above the largest
     * client command (8 MiB), so one log entry always fits.
     */
    public static final int RECORD_BYTES_MAX = 64 * 1024 * 1024;

    /**
     * An AppendLog whose entries together exceed this many bytes is written as several records
     * (each one a valid prefix of the append), so no record nears {@link #RECORD_BYTES_MAX}.
     */
    public static final int APPEND_RECORD_BYTES_TARGET = 16 * 1024 * 1024;

    /** Longest stable key, in UTF-8 bytes: keys are short names such as "raft.hardState". */
    public static final int STABLE_KEY_BYTES_MAX = 1024;

    /** Default period of the background flusher under {@code --fsync batch}, in milliseconds. */
    public static final int FSYNC_INTERVAL_MS_DEFAULT = 10;

    /** Bounds of {@code --fsync-interval-ms}: at least 1 ms, and at most a second of exposure to power loss. */
    public static final int FSYNC_INTERVAL_MS_MIN = 1;
    public static final int FSYNC_INTERVAL_MS_MAX = 1000;

    /** How long close() waits for the background flusher to finish its last round, in milliseconds. */
    public static final long FLUSHER_STOP_TIMEOUT_MS = 5_000;
}
