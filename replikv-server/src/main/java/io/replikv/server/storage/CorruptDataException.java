package io.replikv.server.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The data directory holds something recovery cannot vouch for: a corrupt record before the end
 * of the log, a missing segment, a corrupt snapshot. The node must not start from it.
 */
public final class CorruptDataException extends IOException {
    /** Offset meaning "the whole file" (or the directory), when no byte position applies. */
    public static final long NO_OFFSET = -1;

    private final Path file;
    private final long offset;
    private final String reason;

    public CorruptDataException(Path file, long offset, String reason) {
        super(offset == NO_OFFSET ? file + ": " + reason : file + " at offset " + offset + ": " + reason);
        this.file = file;
        this.offset = offset;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }

    public String reason() {
        return reason;
    }
}
