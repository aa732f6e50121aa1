package io.replikv.server.storage;

import static io.replikv.server.storage.StorageTestSupport.b;
import static io.replikv.server.storage.StorageTestSupport.entries;
import static io.replikv.server.storage.StorageTestSupport.logOf;
import static io.replikv.server.storage.StorageTestSupport.segmentFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: recovery cuts a torn tail (an interrupted last write) and keeps everything before it, and
 * refuses — naming the file and offset — whatever it cannot vouch for: a corrupt record before the
 * end, a missing segment, a corrupt snapshot. An interrupted snapshot save leaves the old one.
 */
class RecoveryTest {
    @TempDir
    Path root;

    /** Writes three appends and a stable value, closes; returns the segment file. */
    private Path threeRecords(Path dir) throws Exception {
        try (FileStorage s = FileStorage.open(dir)) {
            s.apply(new PersistOp.AppendLog(1, entries("one")));
            s.apply(new PersistOp.AppendLog(2, entries("two")));
            s.apply(new PersistOp.PutStable("view", b("3")));
            s.sync();
        }
        return segmentFiles(dir).getFirst();
    }

    @Test
    void aTornLastRecordIsCutAtEveryByteOffsetAndEarlierRecordsAreKept() throws Exception {
        Path base = root.resolve("base");
        Path segment = threeRecords(base);
        long before = Files.size(segment);
        try (FileStorage s = FileStorage.open(base)) {
            s.apply(new PersistOp.AppendLog(3, entries("three, the record that gets torn")));
            s.sync();
        }
        long after = Files.size(segment);
        assertThat(after - before).isGreaterThan(RecordFrame.HEADER_BYTES);
        for (long cut = before; cut < after; cut++) {
            Path dir = root.resolve("cut-" + cut);
            StorageTestSupport.copyDir(base, dir);
            Path seg = segmentFiles(dir).getFirst();
            StorageTestSupport.truncate(seg, cut);
            if (cut > before) {
                assertThat(DataInspection.inspect(dir).verdict()).as("cut at %d", cut)
                        .isInstanceOf(DataInspection.Verdict.TornTail.class);
            }
            try (FileStorage s = FileStorage.open(dir)) {
                assertThat(logOf(s)).as("cut at %d", cut).isEqualTo(entries("one", "two"));
                assertThat(s.stable().get("view")).contains(b("3"));
                s.apply(new PersistOp.AppendLog(3, entries("three again")));
                s.sync();
            }
            assertThat(Files.size(seg)).isGreaterThan(before);
            try (FileStorage s = FileStorage.open(dir)) {
                assertThat(logOf(s)).as("written after the cut at %d", cut).isEqualTo(entries("one", "two", "three again"));
            }
            StorageTestSupport.deleteDir(dir);
        }
    }

    @Test
    void aLastRecordThatFailsItsChecksumIsCut() throws Exception {
        Path segment = threeRecords(root);
        long before = Files.size(segment);
        try (FileStorage s = FileStorage.open(root)) {
            s.apply(new PersistOp.AppendLog(3, entries("three")));
            s.sync();
        }
        StorageTestSupport.flipByte(segment, Files.size(segment) - 1);
        try (FileStorage s = FileStorage.open(root)) {
            assertThat(logOf(s)).isEqualTo(entries("one", "two"));
        }
        assertThat(Files.size(segment)).isEqualTo(before);
    }

    @Test
    void zerosAfterTheLastRecordAreATornTail() throws Exception {
        Path segment = threeRecords(root);
        long before = Files.size(segment);
        Files.write(segment, new byte[100], java.nio.file.StandardOpenOption.APPEND);
        try (FileStorage s = FileStorage.open(root)) {
            assertThat(logOf(s)).isEqualTo(entries("one", "two"));
        }
        assertThat(Files.size(segment)).isEqualTo(before);
    }

    /** Frame offsets of the records in a segment. */
    private static List<Long> offsets(Path segment) throws Exception {
        return RecordFrame.scan(Files.readAllBytes(segment), true).records().stream().map(RecordFrame.Positioned::offset).toList();
    }

    @Test
    void aFlippedByteInAMiddleRecordStopsRecoveryNamingFileAndOffset() throws Exception {
        for (int where : new int[] {1, 5, RecordFrame.HEADER_BYTES + 3}) { // length, its checksum, the payload
            Path dir = root.resolve("flip-" + where);
            Path segment = threeRecords(dir);
            long middle = offsets(segment).get(2); // the second append
            StorageTestSupport.flipByte(segment, middle + where);
            assertThatThrownBy(() -> FileStorage.open(dir)).isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining(segment.toString()).hasMessageContaining("offset " + middle)
                    .satisfies(e -> assertThat(((CorruptDataException) e).offset()).isEqualTo(middle));
            DataInspection.Report r = DataInspection.inspect(dir);
            assertThat(r.verdict()).isInstanceOf(DataInspection.Verdict.Corrupt.class);
            assertThat(((DataInspection.Verdict.Corrupt) r.verdict()).offset()).isEqualTo(middle);
            // refusing changed nothing on disk, and freed the directory
            assertThatThrownBy(() -> FileStorage.open(dir)).isInstanceOf(CorruptDataException.class);
        }
    }

    @Test
    void aMissingMiddleSegmentStopsRecovery() throws Exception {
        StorageOptions tiny = StorageOptions.DEFAULT.withSegmentBytesMax(StorageLimits.SEGMENT_BYTES_MIN);
        try (FileStorage s = FileStorage.open(root, tiny)) {
            for (int i = 1; i <= 30; i++) {
                s.apply(new PersistOp.AppendLog(i, entries("entry-" + i)));
                s.sync();
            }
        }
        List<Path> segments = segmentFiles(root);
        assertThat(segments.size()).isGreaterThanOrEqualTo(3);
        Files.delete(segments.get(1));
        assertThatThrownBy(() -> FileStorage.open(root, tiny)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining(segments.get(1).getFileName().toString()).hasMessageContaining("missing");
    }

    @Test
    void aMissingFirstSegmentWithLiveEntriesStopsRecovery() throws Exception {
        StorageOptions tiny = StorageOptions.DEFAULT.withSegmentBytesMax(StorageLimits.SEGMENT_BYTES_MIN);
        try (FileStorage s = FileStorage.open(root, tiny)) {
            for (int i = 1; i <= 30; i++) {
                s.apply(new PersistOp.AppendLog(i, entries("entry-" + i)));
                s.sync();
            }
        }
        Files.delete(segmentFiles(root).getFirst());
        assertThatThrownBy(() -> FileStorage.open(root, tiny)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("are in no segment");
    }

    @Test
    void aCrashWhileStartingASegmentLeavesItEmptyAndRecoveryDropsIt() throws Exception {
        Path segment = threeRecords(root);
        Path next = root.resolve(DataDir.segmentName(2));
        byte[] start = RecordFrame.frame(WalRecord.encode(new WalRecord.SegmentStart(2, 1, 2, new java.util.TreeMap<>())));
        Files.write(next, java.util.Arrays.copyOf(start, 7));
        try (FileStorage s = FileStorage.open(root)) {
            assertThat(logOf(s)).isEqualTo(entries("one", "two"));
            assertThat(Files.exists(next)).isFalse();
            s.apply(new PersistOp.AppendLog(3, entries("three")));
            s.sync();
        }
        try (FileStorage s = FileStorage.open(root)) {
            assertThat(logOf(s)).isEqualTo(entries("one", "two", "three"));
        }
        assertThat(segmentFiles(root)).containsExactly(segment);
    }

    @Test
    void anInterruptedSnapshotSaveLeavesTheOldSnapshot() throws Exception {
        Snapshot old = new Snapshot(5, 2, b("the old state"));
        try (FileStorage s = FileStorage.open(root)) {
            s.apply(new PersistOp.SaveSnapshot(old));
            s.apply(new PersistOp.CompactLog(5));
            s.sync();
        }
        // a crash after writing part of the new snapshot's temporary file, before the rename
        Files.write(root.resolve(DataDir.SNAPSHOT_TMP), new byte[] {0x52, 0x4B, 0x56, 0x53, 0, 1, 0, 0});
        assertThat(DataInspection.inspect(root).snapshotTmpLeft()).isTrue();
        try (FileStorage s = FileStorage.open(root)) {
            assertThat(s.snapshots().latest()).contains(old);
            assertThat(s.log().firstIndex()).isEqualTo(6);
        }
        assertThat(Files.exists(root.resolve(DataDir.SNAPSHOT_TMP))).isFalse();
    }

    @Test
    void aCorruptSnapshotStopsRecovery() throws Exception {
        try (FileStorage s = FileStorage.open(root)) {
            s.apply(new PersistOp.SaveSnapshot(new Snapshot(5, 2, b("the state"))));
            s.sync();
        }
        Path file = root.resolve(DataDir.SNAPSHOT);
        StorageTestSupport.flipByte(file, SnapshotFile.HEADER_BYTES + 2);
        assertThatThrownBy(() -> FileStorage.open(root)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("checksum");
        StorageTestSupport.truncate(file, 10);
        assertThatThrownBy(() -> FileStorage.open(root)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void aSegmentWhoseStartDisagreesWithItsPredecessorStopsRecovery() throws Exception {
        threeRecords(root);
        // a well-formed segment 2 that claims a different log than segment 1 leaves
        byte[] start = RecordFrame.frame(WalRecord.encode(new WalRecord.SegmentStart(2, 1, 9, new java.util.TreeMap<>())));
        Files.write(root.resolve(DataDir.segmentName(2)), start);
        assertThatThrownBy(() -> FileStorage.open(root)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("disagrees");
    }
}
