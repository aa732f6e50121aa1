package io.replikv.core.raft;

import io.replikv.core.storage.Snapshot;

/** What the core hands the application to apply, in order: committed entries, and snapshots to restore. */
public sealed interface Apply {
    /** A committed entry. No-op entries are handed out too (the application skips them) so indexes stay contiguous. */
    record Entry(long index, LogEntry entry) implements Apply {}

    /** Replace the whole state machine with this snapshot (after a restart, or one the leader sent). */
    record Restore(Snapshot snapshot) implements Apply {}
}
