package io.replikv.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writing end of the write-ahead log: appends framed records to the active segment, rolls to a
 * new segment at the size limit, forces (fdatasync) on sync or from the background flusher, and
 * deletes old segments after compaction. Every method except the flusher's round runs on one
 * thread (the node's); {@link #lock} only pairs the active channel with the bytes written to it
 * for the flusher.
 */
final class Wal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Wal.class);

    /** A live segment: its file and the highest log index its appends wrote (decides when it may go). */
    private static final class Segment {
        final Path path;
        long maxIndexWritten;

        Segment(Path path, long maxIndexWritten) {
            this.path = path;
            this.maxIndexWritten = maxIndexWritten;
        }
    }

    private final Path dir;
    private final StorageOptions options;
    private final LongFunction<WalRecord.SegmentStart> startOf;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final Object lock = new Object();
    private FileChannel active;
    private long activeSequence;
    private long activeBytes;
    private int activeRecords;
    /** Bytes written since open, all segments together; only the node thread adds to it. */
    private volatile long writtenBytes;
    /** Of {@link #writtenBytes}, how many are known forced. Guarded by {@link #lock}. */
    private long forcedBytes;
    private long forces;
    private volatile IOException flusherFailure;
    private final ScheduledExecutorService flusher;

    /**
     * Opens for appending after a replay: continues the last segment, or starts segment 1 in an
     * empty directory. {@code startOf} gives the start record of a new segment from the state at
     * that moment.
     */
    Wal(Path dir, StorageOptions options, List<WalReplay.SegmentInfo> replayed, LongFunction<WalRecord.SegmentStart> startOf)
            throws IOException {
        this.dir = dir;
        this.options = options;
        this.startOf = startOf;
        for (WalReplay.SegmentInfo s : replayed) segments.put(s.sequence(), new Segment(s.path(), s.maxIndexWritten()));
        if (replayed.isEmpty()) {
            create(1);
        } else {
            WalReplay.SegmentInfo last = replayed.getLast();
            active = FileChannel.open(last.path(), StandardOpenOption.WRITE);
            active.position(last.bytes());
            activeSequence = last.sequence();
            activeBytes = last.bytes();
            activeRecords = last.records();
        }
        if (options.fsync() == FsyncMode.BATCH) {
            ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "wal-flusher");
                t.setDaemon(true);
                return t;
            });
            ex.scheduleWithFixedDelay(this::flushRound, options.fsyncIntervalMs(), options.fsyncIntervalMs(), TimeUnit.MILLISECONDS);
            flusher = ex;
        } else {
            flusher = null;
        }
    }

    /** Appends one record, first rolling to a new segment if this one is full. */
    void append(WalRecord record) throws IOException {
        byte[] frame = RecordFrame.frame(WalRecord.encode(record));
        if (activeBytes + frame.length > options.segmentBytesMax() && activeRecords > 1) roll();
        write(frame);
        if (record instanceof WalRecord.AppendLog a && !a.entries().isEmpty()) {
            Segment s = segments.get(activeSequence);
            s.maxIndexWritten = Math.max(s.maxIndexWritten, a.fromIndex() + a.entries().size() - 1);
        }
    }

    private void write(byte[] frame) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(frame);
        while (b.hasRemaining()) active.write(b);
        activeBytes += frame.length;
        activeRecords++;
        writtenBytes += frame.length;
    }

    private void roll() throws IOException {
        synchronized (lock) {
            active.force(false);
            active.close();
            forcedBytes = writtenBytes;
            create(activeSequence + 1);
        }
        log.info("event=wal_segment_started file={}", segments.lastEntry().getValue().path);
    }

    /** Starts segment {@code sequence} with its start record, durably (file and directory entry). */
    private void create(long sequence) throws IOException {
        Path path = dir.resolve(DataDir.segmentName(sequence));
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        segments.put(sequence, new Segment(path, 0));
        active = ch;
        activeSequence = sequence;
        activeBytes = 0;
        activeRecords = 0;
        write(RecordFrame.frame(WalRecord.encode(startOf.apply(sequence))));
        ch.force(true);
        DataDir.forceDirectory(dir);
        synchronized (lock) {
            forcedBytes = writtenBytes;
        }
    }

    /** Makes the writes so far durable ({@link FsyncMode#ALWAYS}) or checks that the flusher is healthy ({@link FsyncMode#BATCH}). */
    void sync() throws IOException {
        if (options.fsync() == FsyncMode.ALWAYS) {
            forceNow();
            return;
        }
        IOException failed = flusherFailure;
        if (failed != null) throw new IOException("the background flusher failed: " + failed.getMessage(), failed);
    }

    /** Forces what was written and not yet forced; does nothing (no system call) when that is nothing. */
    void forceNow() throws IOException {
        FileChannel ch;
        long target;
        synchronized (lock) {
            if (forcedBytes >= writtenBytes) return;
            ch = active;
            target = writtenBytes;
        }
        try {
            ch.force(false);
        } catch (ClosedChannelException e) {
            return; // rolled (or closed) meanwhile: the roll forced it
        }
        synchronized (lock) {
            forcedBytes = Math.max(forcedBytes, target);
            forces++;
        }
    }

    private void flushRound() {
        try {
            forceNow();
        } catch (IOException | RuntimeException e) {
            if (flusherFailure == null) {
                log.error("event=wal_flush_failed dir={} error=\"{}\"", dir, e.toString());
                flusherFailure = e instanceof IOException io ? io : new IOException(e);
            }
        }
    }

    /**
     * Deletes, oldest first, the segments before the active one whose appends all lie at or before
     * {@code compactedThrough}. The compaction record is forced first, so no deletion can outlive
     * the record that justifies it. Each deletion is made durable before the next, so a crash
     * leaves the survivors numbered without gaps.
     */
    List<Path> deleteCompacted(long compactedThrough) throws IOException {
        List<Path> gone = new ArrayList<>();
        for (Map.Entry<Long, Segment> e : segments.entrySet()) {
            if (e.getKey() >= activeSequence || e.getValue().maxIndexWritten > compactedThrough) break;
            gone.add(e.getValue().path);
        }
        if (gone.isEmpty()) return gone;
        forceNow();
        for (Path p : gone) {
            Files.delete(p);
            DataDir.forceDirectory(dir);
            segments.pollFirstEntry();
            log.info("event=wal_segment_deleted file={} compacted_through={}", p, compactedThrough);
        }
        return gone;
    }

    long writtenBytes() {
        return writtenBytes;
    }

    long durableBytes() {
        synchronized (lock) {
            return forcedBytes;
        }
    }

    long forces() {
        synchronized (lock) {
            return forces;
        }
    }

    int segmentCount() {
        return segments.size();
    }

    /** Runs one round of the background flusher now (tests). */
    void flushRoundNow() {
        flushRound();
    }

    @Override
    public void close() throws IOException {
        if (flusher != null) {
            flusher.shutdown();
            try {
                flusher.awaitTermination(StorageLimits.FLUSHER_STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            forceNow();
        } finally {
            active.close();
        }
    }
}
