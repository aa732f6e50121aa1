package io.replikv.core.replicated;

import io.replikv.core.storage.LogStore;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.storage.Snapshot;
import io.replikv.core.storage.SnapshotStore;
import io.replikv.core.storage.StableStore;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.MalformedInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inner node's storage inside a {@link ReplicatedNode}: in memory (the Raft log is what is
 * durable), and encodable as a whole, since it is what a snapshot of the group captures: a
 * {@link MemoryStorage}, listed whole by {@link #encode}.
 *
 * <p>Stored form: format byte 1, the stable values (count, then key and value each), the log's
 * first index and entries, and the inner snapshot if any (index, term, data).
 */
final class InnerStorage implements Storage {
    private static final int FORMAT = 1;
    // Bounds that only guard the decoding of a stored image (a damaged snapshot must not make it
    // allocate absurdly): cores use a handful of short stable keys and, so far, no inner log.
    /** Stable keys in an image. */
    private static final int STABLE_KEYS_MAX = 1 << 16;
    /** Bytes of one stable key's name. */
    private static final int KEY_BYTES_MAX = 1024;
    /** Entries of the inner log in an image. */
    private static final int LOG_ENTRIES_MAX = 1 << 20;
    /** Bytes of one value, entry or snapshot: what a codec frame may carry. */
    private static final int VALUE_BYTES_MAX = io.replikv.core.codec.Codec.FRAME_BYTES_MAX;

    private final MemoryStorage rest = new MemoryStorage();

    @Override public StableStore stable() { return rest; }
    @Override public LogStore log() { return rest; }
    @Override public SnapshotStore snapshots() { return rest; }
    @Override public void sync() {}

    Bytes encode() {
        BinaryWriter w = new BinaryWriter(256);
        w.writeByte(FORMAT).writeVarLong(rest.stableValues().size());
        for (Map.Entry<String, Bytes> e : rest.stableValues().entrySet()) w.writeString(e.getKey()).writeBytes(e.getValue());
        w.writeVarLong(rest.firstIndex()).writeVarLong(rest.lastIndex() - rest.firstIndex() + 1);
        for (long i = rest.firstIndex(); i <= rest.lastIndex(); i++) w.writeBytes(rest.entry(i));
        Optional<Snapshot> s = rest.latest();
        w.writeBoolean(s.isPresent());
        s.ifPresent(snap -> w.writeVarLong(snap.index()).writeVarLong(snap.term()).writeBytes(snap.data()));
        return w.toBytes();
    }

    static InnerStorage decode(Bytes image) {
        BinaryReader r = BinaryReader.of(image);
        int format = r.readByte();
        if (format != FORMAT) throw new MalformedInputException("inner storage format " + format + ", expected " + FORMAT);
        InnerStorage s = new InnerStorage();
        int keys = r.readLength(STABLE_KEYS_MAX);
        for (int i = 0; i < keys; i++) s.rest.put(r.readString(KEY_BYTES_MAX), r.readBytes(VALUE_BYTES_MAX));
        long first = r.readVarLong();
        if (first < 1) throw new MalformedInputException("inner log starts at " + first);
        int count = r.readLength(LOG_ENTRIES_MAX);
        List<Bytes> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) entries.add(r.readBytes(VALUE_BYTES_MAX));
        s.rest.compact(first - 1);
        s.rest.append(first, entries);
        if (r.readBoolean()) s.rest.save(new Snapshot(r.readVarLong(), r.readVarLong(), r.readBytes(VALUE_BYTES_MAX)));
        r.expectEnd();
        return s;
    }
}
