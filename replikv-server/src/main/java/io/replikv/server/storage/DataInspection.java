package io.replikv.server.storage;

import io.replikv.core.storage.Snapshot;
import io.replikv.core.util.Bytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A read-only look at a data directory, for {@code replikv data inspect|verify}: it replays the
 * whole log and reads the snapshot with every check recovery makes, but changes nothing (a torn
 * tail is reported, not cut) and takes no lock, so it also works beside a running server.
 */
public final class DataInspection {
    private DataInspection() {}

    /** One segment. {@code records} is -1 when the scan stopped before it (the log is corrupt). */
    public record SegmentSummary(String file, long sequence, long bytes, int records, long maxIndexWritten) {}

    public record SnapshotSummary(long index, long term, long dataBytes) {}

    /** What recovery would make of the directory. */
    public sealed interface Verdict {
        /** Recovery would open it without a change. */
        record Clean() implements Verdict {}

        /** Recovery would cut a torn tail (the last few bytes of an interrupted write) and open it. */
        record TornTail(Path file, long offset, long bytes, String reason) implements Verdict {}

        /** Recovery would refuse it. */
        record Corrupt(Path file, long offset, String reason) implements Verdict {}
    }

    /**
     * @param inUse            another process holds the directory's lock
     * @param snapshotTmpLeft  a snapshot.tmp from an interrupted save is present (recovery removes it)
     * @param snapshot         null when there is none (or it is corrupt)
     * @param stable           the stable values the log replays to (empty when corrupt)
     */
    public record Report(Path dir, boolean inUse, List<SegmentSummary> segments, long firstIndex, long lastIndex,
                         Bytes lastEntry, SortedMap<String, Bytes> stable, SnapshotSummary snapshot,
                         boolean snapshotTmpLeft, Verdict verdict) {
        public boolean corrupt() {
            return verdict instanceof Verdict.Corrupt;
        }
    }

    /** Inspects {@code dir}; I/O errors other than corruption (unreadable files) propagate. */
    public static Report inspect(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + " is not a directory");
        boolean inUse = DataDirLock.heldByOther(dir);
        boolean tmp = Files.exists(dir.resolve(DataDir.SNAPSHOT_TMP));
        SnapshotSummary snap = null;
        try {
            Optional<Snapshot> s = SnapshotFile.read(dir);
            if (s.isPresent()) snap = new SnapshotSummary(s.get().index(), s.get().term(), s.get().data().length());
            WalReplay.Result r = WalReplay.replay(dir, false);
            WalState st = r.state();
            List<SegmentSummary> segments = new ArrayList<>();
            for (WalReplay.SegmentInfo i : r.segments()) {
                segments.add(new SegmentSummary(i.path().getFileName().toString(), i.sequence(), Files.size(i.path()),
                        i.records(), i.maxIndexWritten()));
            }
            Bytes last = st.lastIndex() >= st.firstIndex ? st.entry(st.lastIndex()) : null;
            Verdict v = r.torn() == null ? new Verdict.Clean()
                    : new Verdict.TornTail(r.torn().file(), r.torn().offset(), r.torn().bytes(), r.torn().reason());
            Verdict.Corrupt gap = snapshotGap(dir, st.firstIndex, snap);
            if (gap != null) v = gap;
            return new Report(dir, inUse, segments, st.firstIndex, st.lastIndex(), last, new TreeMap<>(st.stable), snap, tmp, v);
        } catch (CorruptDataException e) {
            List<SegmentSummary> segments = new ArrayList<>();
            for (DataDir.SegmentFile f : DataDir.segments(dir)) {
                segments.add(new SegmentSummary(f.path().getFileName().toString(), f.sequence(), Files.size(f.path()), -1, 0));
            }
            return new Report(dir, inUse, segments, 0, -1, null, new TreeMap<>(), snap, tmp,
                    new Verdict.Corrupt(e.file(), e.offset(), e.reason()));
        }
    }

    /**
     * The log may start after 1 only because a snapshot covers what was compacted away: a log that
     * starts beyond the snapshot has lost the entries in between.
     */
    private static Verdict.Corrupt snapshotGap(Path dir, long firstIndex, SnapshotSummary snap) {
        long covered = snap == null ? 0 : snap.index();
        if (firstIndex <= covered + 1) return null;
        return new Verdict.Corrupt(dir, CorruptDataException.NO_OFFSET, "the log starts at index " + firstIndex
                + " but the snapshot covers only through " + covered + ": entries " + (covered + 1) + ".." + (firstIndex - 1)
                + " are lost");
    }
}
