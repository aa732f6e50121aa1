package io.replikv.core.storage;

import io.replikv.core.util.Bytes;
import java.util.List;

/**
 * An append-only log of opaque entries indexed from 1. After compaction it holds entries
 * {@link #firstIndex()}..{@link #lastIndex()}; an empty log has {@code lastIndex() == firstIndex() - 1}.
 */
public interface LogStore {
    long firstIndex();

    long lastIndex();

    /** The entry at {@code index}, which must lie in [firstIndex, lastIndex]. */
    Bytes entry(long index);

    /** Drops entries at or after {@code fromIndex} (which must lie in [firstIndex, lastIndex + 1]) and appends. */
    void append(long fromIndex, List<Bytes> entries);

    /** Drops entries at or before {@code throughIndex}; past the end it empties the log and restarts it after that index. */
    void compact(long throughIndex);
}
