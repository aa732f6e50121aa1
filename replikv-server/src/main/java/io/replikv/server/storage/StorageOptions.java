package io.replikv.server.storage;

/**
 * How a {@link FileStorage} writes.
 *
 * @param fsync              when sync() forces the log
 * @param fsyncIntervalMs    period of the background flusher in {@link FsyncMode#BATCH}
 * @param segmentBytesMax    size at which a WAL segment is closed and the next one started
 */
public record StorageOptions(FsyncMode fsync, int fsyncIntervalMs, long segmentBytesMax) {
    public static final StorageOptions DEFAULT = new StorageOptions(FsyncMode.ALWAYS,
            StorageLimits.FSYNC_INTERVAL_MS_DEFAULT, StorageLimits.SEGMENT_BYTES_DEFAULT);

    public StorageOptions {
        if (fsync == null) throw new IllegalArgumentException("fsync mode missing");
        if (fsyncIntervalMs < StorageLimits.FSYNC_INTERVAL_MS_MIN || fsyncIntervalMs > StorageLimits.FSYNC_INTERVAL_MS_MAX) {
            throw new IllegalArgumentException("--fsync-interval-ms must be " + StorageLimits.FSYNC_INTERVAL_MS_MIN + ".."
                    + StorageLimits.FSYNC_INTERVAL_MS_MAX + ", got " + fsyncIntervalMs);
        }
        if (segmentBytesMax < StorageLimits.SEGMENT_BYTES_MIN) {
            throw new IllegalArgumentException("segment size must be at least " + StorageLimits.SEGMENT_BYTES_MIN
                    + " bytes, got " + segmentBytesMax);
        }
    }

    public StorageOptions withFsync(FsyncMode mode, int intervalMs) {
        return new StorageOptions(mode, intervalMs, segmentBytesMax);
    }

    public StorageOptions withSegmentBytesMax(long bytes) {
        return new StorageOptions(fsync, fsyncIntervalMs, bytes);
    }
}
