package io.replikv.server.storage;

import java.util.Locale;

/** When {@link FileStorage#sync()} forces the write-ahead log to the disk ({@code --fsync}). */
public enum FsyncMode {
    /** Every sync() that follows a write forces it (fdatasync) before returning: nothing acknowledged is lost. */
    ALWAYS,
    /**
     * sync() only hands the writes to the operating system; a background flusher forces them at most
     * every {@code --fsync-interval-ms}. A process crash loses nothing (the page cache survives it);
     * a power loss or kernel crash can lose the last interval of acknowledged writes.
     */
    BATCH;

    /** Parses "always" or "batch" (any case). */
    public static FsyncMode parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "always" -> ALWAYS;
            case "batch" -> BATCH;
            default -> throw new IllegalArgumentException("--fsync must be always or batch, got '" + text + "'");
        };
    }

    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
