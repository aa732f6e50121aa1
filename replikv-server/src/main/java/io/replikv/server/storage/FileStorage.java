package io.replikv.server.storage;

import io.replikv.core.storage.LogStore;
import io.replikv.core.storage.Snapshot;
import io.replikv.core.storage.SnapshotStore;
import io.replikv.core.storage.StableStore;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Invariants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's storage in a data directory (layout in {@link DataDir}, formats in docs/durability.md):
 * stable values and log entries in a segmented write-ahead log, the latest snapshot in its own
 * file. Reads are served from memory (the state the log replays to), writes go to the log at once
 * (so they survive a crash of this process) and become durable on {@link #sync()}.
 *
 * <p>Stable values live in the log as records (the last write wins on replay), and every segment
 * starts with a copy of all of them, so deleting old segments never loses one. One file, one
 * force per sync: a term change and the entries of the same input are made durable together.
 *
 * <p>Ordering: what is durable after a crash is always a prefix of the writes applied, in order.
 * A snapshot is written durably when it is saved, after forcing the log written before it.
 *
 * <p>Not thread-safe: the node's thread is its only user. An I/O error leaves it broken: every
 * later call throws, so the node stops instead of acknowledging writes it may not have made.
 */
public final class FileStorage implements Storage, StableStore, LogStore, SnapshotStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileStorage.class);

    private final Path dir;
    private final StorageOptions options;
    private final DataDirLock lock;
    private final WalState state;
    private final Wal wal;
    private Snapshot snapshot;
    /** The compaction point whose segments were already considered for deletion. */
    private long compactionHandled;
    private boolean broken;
    private boolean closed;

    private FileStorage(Path dir, StorageOptions options, DataDirLock lock, WalState state, Wal wal, Snapshot snapshot) {
        this.dir = dir;
        this.options = options;
        this.lock = lock;
        this.state = state;
        this.wal = wal;
        this.snapshot = snapshot;
        this.compactionHandled = state.firstIndex - 1;
    }

    /**
     * Opens (creating it if needed) and recovers a data directory: takes its lock, removes a
     * snapshot.tmp an interrupted save left, reads the snapshot, replays the log and cuts a torn tail.
     *
     * @throws DataDirLockedException another process has it open
     * @throws CorruptDataException   it holds something recovery cannot vouch for (message names file and offset)
     */
    public static FileStorage open(Path dir, StorageOptions options) throws IOException {
        Files.createDirectories(dir);
        DataDirLock lock = DataDirLock.acquire(dir);
        try {
            Path tmp = dir.resolve(DataDir.SNAPSHOT_TMP);
            if (Files.deleteIfExists(tmp)) {
                DataDir.forceDirectory(dir);
                log.warn("event=snapshot_tmp_removed file={} (a save was interrupted; the previous snapshot stands)", tmp);
            }
            Snapshot snapshot = SnapshotFile.read(dir).orElse(null);
            WalReplay.Result replay = WalReplay.replay(dir, true);
            WalState state = replay.state();
            Wal wal = new Wal(dir, options, replay.segments(), state::start);
            log.info("event=storage_opened dir={} fsync={} segments={} first_index={} last_index={} snapshot_index={}",
                    dir, options.fsync().flag(), wal.segmentCount(), state.firstIndex, state.lastIndex(),
                    snapshot == null ? "none" : Long.toString(snapshot.index()));
            return new FileStorage(dir, options, lock, state, wal, snapshot);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    public static FileStorage open(Path dir) throws IOException {
        return open(dir, StorageOptions.DEFAULT);
    }

    @Override public StableStore stable() { return this; }
    @Override public LogStore log() { return this; }
    @Override public SnapshotStore snapshots() { return this; }

    public Path dir() {
        return dir;
    }

    public StorageOptions options() {
        return options;
    }

    // ------------------------------------------------------------------ stable values

    @Override
    public Optional<Bytes> get(String key) {
        usable();
        return Optional.ofNullable(state.stable.get(key));
    }

    @Override
    public void put(String key, Bytes value) {
        usable();
        WalRecord.PutStable r = new WalRecord.PutStable(key, value);
        write(r);
        state.apply(r);
    }

    // ------------------------------------------------------------------ log

    @Override
    public long firstIndex() {
        usable();
        return state.firstIndex;
    }

    @Override
    public long lastIndex() {
        usable();
        return state.lastIndex();
    }

    @Override
    public Bytes entry(long index) {
        usable();
        Invariants.check(index >= state.firstIndex && index <= state.lastIndex(), "log entry %d outside [%d, %d]",
                index, state.firstIndex, state.lastIndex());
        return state.entry(index);
    }

    @Override
    public void append(long fromIndex, List<Bytes> entries) {
        usable();
        Invariants.check(fromIndex >= state.firstIndex && fromIndex <= state.lastIndex() + 1,
                "append at %d outside [%d, %d]", fromIndex, state.firstIndex, state.lastIndex() + 1);
        for (WalRecord.AppendLog chunk : chunks(fromIndex, entries)) {
            write(chunk);
            state.apply(chunk);
        }
    }

    /** Splits an append into records of at most {@link StorageLimits#APPEND_RECORD_BYTES_TARGET} (one entry at least). */
    static List<WalRecord.AppendLog> chunks(long fromIndex, List<Bytes> entries) {
        if (entries.isEmpty()) return List.of(new WalRecord.AppendLog(fromIndex, List.of()));
        List<WalRecord.AppendLog> out = new ArrayList<>();
        int start = 0;
        long bytes = 0;
        for (int i = 0; i < entries.size(); i++) {
            int size = entries.get(i).length() + WalRecord.APPEND_ENTRY_OVERHEAD_BYTES;
            if (size > StorageLimits.RECORD_BYTES_MAX - 64) {
                throw new IllegalArgumentException("log entry of " + entries.get(i).length() + " bytes exceeds the record limit");
            }
            if (i > start && bytes + size > StorageLimits.APPEND_RECORD_BYTES_TARGET) {
                out.add(new WalRecord.AppendLog(fromIndex + start, entries.subList(start, i)));
                start = i;
                bytes = 0;
            }
            bytes += size;
        }
        out.add(new WalRecord.AppendLog(fromIndex + start, entries.subList(start, entries.size())));
        return out;
    }

    @Override
    public void compact(long throughIndex) {
        usable();
        WalRecord.CompactLog r = new WalRecord.CompactLog(throughIndex);
        write(r);
        state.apply(r);
    }

    // ------------------------------------------------------------------ snapshot

    @Override
    public Optional<Snapshot> latest() {
        usable();
        return Optional.ofNullable(snapshot);
    }

    /**
     * Writes the snapshot durably before returning. The log written before it is forced first, so
     * the disk never holds a snapshot newer than the term and log that led to it.
     */
    @Override
    public void save(Snapshot s) {
        usable();
        try {
            wal.forceNow();
            SnapshotFile.write(dir, s);
        } catch (IOException e) {
            throw fail("save snapshot", e);
        }
        snapshot = s;
        log.info("event=snapshot_saved dir={} index={} term={} bytes={}", dir, s.index(), s.term(), s.data().length());
    }

    // ------------------------------------------------------------------ durability

    /**
     * Makes every write so far durable ({@code --fsync always}; free when nothing was written since
     * the last sync), or leaves that to the background flusher ({@code --fsync batch}). Then
     * deletes the segments a compaction made useless.
     */
    @Override
    public void sync() {
        usable();
        try {
            wal.sync();
            long compacted = state.firstIndex - 1;
            if (compacted > compactionHandled) {
                wal.deleteCompacted(compacted);
                compactionHandled = compacted;
            }
        } catch (IOException e) {
            throw fail("sync", e);
        }
    }

    private void write(WalRecord r) {
        try {
            wal.append(r);
        } catch (IOException e) {
            throw fail("write", e);
        }
    }

    private UncheckedIOException fail(String what, IOException e) {
        broken = true;
        log.error("event=storage_failed dir={} during={} error=\"{}\"", dir, what, e.toString());
        return new UncheckedIOException("storage in " + dir + " failed during " + what + ": " + e.getMessage(), e);
    }

    private void usable() {
        if (closed) throw new IllegalStateException("storage in " + dir + " is closed");
        if (broken) throw new IllegalStateException("storage in " + dir + " failed earlier and refuses further use");
    }

    // ------------------------------------------------------------------ observation (tests, metrics)

    long writtenBytes() {
        return wal.writtenBytes();
    }

    long durableBytes() {
        return wal.durableBytes();
    }

    long forces() {
        return wal.forces();
    }

    int segmentCount() {
        return wal.segmentCount();
    }

    void flushRoundNow() {
        wal.flushRoundNow();
    }

    /** Forces what is left, stops the flusher, releases the directory. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            wal.close();
        } finally {
            lock.close();
        }
        log.info("event=storage_closed dir={}", dir);
    }
}
