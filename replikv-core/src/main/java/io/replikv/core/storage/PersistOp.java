package io.replikv.core.storage;

import io.replikv.core.util.Bytes;
import java.util.List;

/**
 * A write a core asks its shell to make durable (see {@link io.replikv.core.Effects}). The shell
 * applies these in order to the node's {@link Storage} and syncs before releasing the messages
 * that were queued to be sent after persistence.
 */
public sealed interface PersistOp {
    /** Sets a small named value of stable state (term, vote, view number ...). */
    record PutStable(String key, Bytes value) implements PersistOp {}

    /** Drops every log entry at or after {@code fromIndex}, then appends {@code entries} starting there. */
    record AppendLog(long fromIndex, List<Bytes> entries) implements PersistOp {
        public AppendLog {
            entries = List.copyOf(entries);
        }
    }

    /** Drops every log entry at or before {@code throughIndex} (they are covered by a durable snapshot). */
    record CompactLog(long throughIndex) implements PersistOp {}

    /** Replaces the snapshot. */
    record SaveSnapshot(Snapshot snapshot) implements PersistOp {}
}
