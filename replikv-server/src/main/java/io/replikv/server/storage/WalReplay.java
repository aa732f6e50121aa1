package io.replikv.server.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the WAL's state from the segment files, checking everything on the way: segments
 * numbered without gaps, each starting with its start record, every frame's checksums, every record
 * fitting the state before it, and at the end every log entry accounted for. Only a torn tail of
 * the last segment is forgiven; {@code repair} cuts it off (the server does), a read-only replay
 * (the verify verb) only reports it.
 */
final class WalReplay {
    private static final Logger log = LoggerFactory.getLogger(WalReplay.class);

    private WalReplay() {}

    /** A segment as replay found it. {@code maxIndexWritten} is the highest log index its appends wrote (0: none). */
    record SegmentInfo(long sequence, Path path, long bytes, int records, long maxIndexWritten) {}

    /** A torn tail: where, how many bytes, why. */
    record Torn(Path file, long offset, long bytes, String reason) {}

    /**
     * @param torn          the torn tail found (null: none); cut off when replaying with repair
     * @param droppedEmpty  an empty last segment (a crash while it was being started), removed when repairing
     */
    record Result(WalState state, List<SegmentInfo> segments, Torn torn, Path droppedEmpty) {}

    static Result replay(Path dir, boolean repair) throws IOException {
        List<DataDir.SegmentFile> files = DataDir.segments(dir);
        checkSequence(dir, files);
        WalState state = new WalState();
        List<SegmentInfo> infos = new ArrayList<>();
        Torn torn = null;
        Path droppedEmpty = null;
        for (int i = 0; i < files.size(); i++) {
            DataDir.SegmentFile f = files.get(i);
            boolean last = i == files.size() - 1;
            byte[] data = Files.readAllBytes(f.path());
            RecordFrame.Scan scan = RecordFrame.scan(data, last);
            switch (scan.problem()) {
                case null -> { }
                case RecordFrame.Problem.Corrupt c -> throw new CorruptDataException(f.path(), c.offset(), c.reason());
                case RecordFrame.Problem.Torn t -> {
                    torn = new Torn(f.path(), t.offset(), data.length - t.offset(), t.reason());
                    if (repair) cut(torn);
                }
            }
            if (scan.records().isEmpty()) {
                droppedEmpty = emptySegment(dir, f, last, infos.isEmpty(), repair);
                continue;
            }
            infos.add(replaySegment(f, scan, state, i == 0));
        }
        long unknown = state.firstUnknown();
        if (unknown >= 0) {
            throw new CorruptDataException(infos.getFirst().path(), CorruptDataException.NO_OFFSET, "log entries " + unknown
                    + ".." + state.lastUnknown() + " are in no segment: a segment before this one is missing");
        }
        return new Result(state, List.copyOf(infos), torn, droppedEmpty);
    }

    private static void checkSequence(Path dir, List<DataDir.SegmentFile> files) throws CorruptDataException {
        for (int i = 0; i < files.size(); i++) {
            long seq = files.get(i).sequence();
            if (seq < 1) throw new CorruptDataException(files.get(i).path(), CorruptDataException.NO_OFFSET, "segment number 0");
            if (i > 0 && seq != files.get(i - 1).sequence() + 1) {
                throw new CorruptDataException(dir.resolve(DataDir.segmentName(files.get(i - 1).sequence() + 1)),
                        CorruptDataException.NO_OFFSET, "segment is missing: the log jumps from "
                        + files.get(i - 1).path().getFileName() + " to " + files.get(i).path().getFileName());
            }
        }
    }

    private static SegmentInfo replaySegment(DataDir.SegmentFile f, RecordFrame.Scan scan, WalState state, boolean first)
            throws CorruptDataException {
        RecordFrame.Positioned head = scan.records().getFirst();
        if (!(head.record() instanceof WalRecord.SegmentStart start)) {
            throw new CorruptDataException(f.path(), 0, "the first record is not a segment start record");
        }
        if (start.sequence() != f.sequence()) {
            throw new CorruptDataException(f.path(), 0, "start record names segment " + start.sequence());
        }
        String wrong = first ? state.begin(start) : state.check(start);
        if (wrong != null) throw new CorruptDataException(f.path(), 0, wrong);
        long maxWritten = 0;
        for (RecordFrame.Positioned p : scan.records().subList(1, scan.records().size())) {
            if (p.record() instanceof WalRecord.SegmentStart) throw new CorruptDataException(f.path(), p.offset(), "a second start record");
            wrong = state.check(p.record());
            if (wrong != null) throw new CorruptDataException(f.path(), p.offset(), wrong);
            state.apply(p.record());
            if (p.record() instanceof WalRecord.AppendLog a && !a.entries().isEmpty()) {
                maxWritten = Math.max(maxWritten, a.fromIndex() + a.entries().size() - 1);
            }
        }
        return new SegmentInfo(f.sequence(), f.path(), scan.validBytes(), scan.records().size(), maxWritten);
    }

    /**
     * A segment without a single whole record. Only the last one may be so (the process stopped
     * while starting it; its predecessor is complete), and only if something before it holds the
     * state: the very first segment, or one after a segment that replayed.
     */
    private static Path emptySegment(Path dir, DataDir.SegmentFile f, boolean last, boolean noneBefore, boolean repair)
            throws IOException {
        if (!last) throw new CorruptDataException(f.path(), 0, "segment has no records");
        if (noneBefore && f.sequence() != 1) {
            throw new CorruptDataException(f.path(), 0, "segment has no start record and the segments before it are gone");
        }
        if (repair) {
            Files.delete(f.path());
            DataDir.forceDirectory(dir);
            log.warn("event=wal_empty_segment_removed file={}", f.path());
        }
        return f.path();
    }

    private static void cut(Torn t) throws IOException {
        try (FileChannel ch = FileChannel.open(t.file(), StandardOpenOption.WRITE)) {
            ch.truncate(t.offset());
            ch.force(true);
        }
        log.warn("event=wal_torn_tail_cut file={} offset={} bytes={} reason=\"{}\"", t.file(), t.offset(), t.bytes(), t.reason());
    }
}
