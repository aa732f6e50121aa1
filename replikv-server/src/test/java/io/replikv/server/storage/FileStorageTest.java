package io.replikv.server.storage;

import static io.replikv.server.storage.StorageTestSupport.assertSameState;
import static io.replikv.server.storage.StorageTestSupport.b;
import static io.replikv.server.storage.StorageTestSupport.entries;
import static io.replikv.server.storage.StorageTestSupport.logOf;
import static io.replikv.server.storage.StorageTestSupport.segmentFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.Snapshot;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.InvariantViolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: FileStorage keeps, across close and reopen, exactly what MemoryStorage shows for the same
 * writes — every PersistOp kind, segment rolls, compaction with segment deletion, snapshots — and
 * only one storage at a time may have a directory.
 */
class FileStorageTest {
    static final List<String> KEYS = List.of("raft.hardState", "view", "other");

    @TempDir
    Path dir;

    private static void applyAll(Storage s, List<PersistOp> ops) {
        for (PersistOp op : ops) s.apply(op);
        s.sync();
    }

    private static List<PersistOp> everyKind() {
        return List.of(
                new PersistOp.PutStable("raft.hardState", b("term 1")),
                new PersistOp.AppendLog(1, entries("a", "b", "c", "d")),
                new PersistOp.PutStable("view", Bytes.EMPTY),
                new PersistOp.AppendLog(3, entries("C", "D", "E")), // truncates a suffix, then appends
                new PersistOp.PutStable("raft.hardState", b("term 2")), // last write wins
                new PersistOp.SaveSnapshot(new Snapshot(2, 1, b("state through 2"))),
                new PersistOp.CompactLog(2),
                new PersistOp.AppendLog(6, entries("f")),
                new PersistOp.AppendLog(7, List.of())); // a pure no-op truncation at the end
    }

    @Test
    void everyPersistOpKindSurvivesCloseAndReopen() throws Exception {
        MemoryStorage expected = new MemoryStorage();
        applyAll(expected, everyKind());
        try (FileStorage s = FileStorage.open(dir)) {
            applyAll(s, everyKind());
            assertSameState(s, expected, KEYS);
        }
        try (FileStorage s = FileStorage.open(dir)) {
            assertSameState(s, expected, KEYS);
            assertThat(s.log().firstIndex()).isEqualTo(3);
            assertThat(logOf(s)).isEqualTo(entries("C", "D", "E", "f"));
            assertThat(s.stable().get("raft.hardState")).contains(b("term 2"));
            assertThat(s.stable().get("view")).contains(Bytes.EMPTY);
            assertThat(s.stable().get("other")).isEmpty();
            assertThat(s.snapshots().latest()).contains(new Snapshot(2, 1, b("state through 2")));
        }
    }

    @Test
    void anEmptyDirectoryOpensAsAnEmptyLog() throws Exception {
        try (FileStorage s = FileStorage.open(dir.resolve("new"))) {
            assertThat(s.log().firstIndex()).isEqualTo(1);
            assertThat(s.log().lastIndex()).isZero();
            assertThat(s.snapshots().latest()).isEmpty();
            assertThat(s.stable().get("raft.hardState")).isEmpty();
        }
        assertThat(segmentFiles(dir.resolve("new"))).hasSize(1);
    }

    @Test
    void compactionPastTheEndRestartsTheLogAfterIt() throws Exception {
        try (FileStorage s = FileStorage.open(dir)) {
            applyAll(s, List.of(new PersistOp.AppendLog(1, entries("a", "b")), new PersistOp.CompactLog(10)));
        }
        try (FileStorage s = FileStorage.open(dir)) {
            assertThat(s.log().firstIndex()).isEqualTo(11);
            assertThat(s.log().lastIndex()).isEqualTo(10);
            s.apply(new PersistOp.AppendLog(11, entries("k")));
            s.sync();
        }
        try (FileStorage s = FileStorage.open(dir)) {
            assertThat(logOf(s)).isEqualTo(entries("k"));
        }
    }

    @Test
    void anAppendOutsideTheLogBreaksAnInvariantAndWritesNothing() throws Exception {
        try (FileStorage s = FileStorage.open(dir)) {
            s.apply(new PersistOp.AppendLog(1, entries("a")));
            long written = s.writtenBytes();
            assertThatThrownBy(() -> s.apply(new PersistOp.AppendLog(3, entries("c")))).isInstanceOf(InvariantViolation.class);
            assertThat(s.writtenBytes()).isEqualTo(written);
        }
    }

    @Test
    void segmentsRollAtTheSizeLimitAndReplayAcrossThem() throws Exception {
        StorageOptions tiny = StorageOptions.DEFAULT.withSegmentBytesMax(StorageLimits.SEGMENT_BYTES_MIN);
        MemoryStorage expected = new MemoryStorage();
        try (FileStorage s = FileStorage.open(dir, tiny)) {
            for (int i = 1; i <= 100; i++) {
                List<PersistOp> ops = List.of(new PersistOp.AppendLog(i, entries("entry-" + i)),
                        new PersistOp.PutStable("raft.hardState", b("term " + i)));
                applyAll(s, ops);
                applyAll(expected, ops);
            }
            assertThat(s.segmentCount()).isGreaterThan(5);
        }
        try (FileStorage s = FileStorage.open(dir, tiny)) {
            assertSameState(s, expected, KEYS);
        }
    }

    @Test
    void compactionDeletesTheSegmentsItMadeUselessAndKeepsTheStableValues() throws Exception {
        StorageOptions tiny = StorageOptions.DEFAULT.withSegmentBytesMax(StorageLimits.SEGMENT_BYTES_MIN);
        MemoryStorage expected = new MemoryStorage();
        int before;
        try (FileStorage s = FileStorage.open(dir, tiny)) {
            applyAll(s, List.of(new PersistOp.PutStable("view", b("written once, in the first segment"))));
            applyAll(expected, List.of(new PersistOp.PutStable("view", b("written once, in the first segment"))));
            for (int i = 1; i <= 60; i++) {
                List<PersistOp> ops = List.of(new PersistOp.AppendLog(i, entries("entry-" + i)));
                applyAll(s, ops);
                applyAll(expected, ops);
            }
            before = segmentFiles(dir).size();
            List<PersistOp> compact = List.of(new PersistOp.SaveSnapshot(new Snapshot(50, 1, b("through 50"))),
                    new PersistOp.CompactLog(50));
            applyAll(s, compact);
            applyAll(expected, compact);
            assertThat(segmentFiles(dir).size()).isLessThan(before - 2);
            assertThat(s.segmentCount()).isEqualTo(segmentFiles(dir).size());
        }
        try (FileStorage s = FileStorage.open(dir, tiny)) {
            assertSameState(s, expected, KEYS);
            assertThat(segmentFiles(dir).getFirst().getFileName().toString()).isNotEqualTo(DataDir.segmentName(1));
        }
        assertThat(DataInspection.inspect(dir).verdict()).isInstanceOf(DataInspection.Verdict.Clean.class);
    }

    @Test
    void segmentsWithLiveEntriesAreKeptUntilCompactionReachesThem() throws Exception {
        StorageOptions tiny = StorageOptions.DEFAULT.withSegmentBytesMax(StorageLimits.SEGMENT_BYTES_MIN);
        try (FileStorage s = FileStorage.open(dir, tiny)) {
            for (int i = 1; i <= 40; i++) applyAll(s, List.of(new PersistOp.AppendLog(i, entries("entry-" + i))));
            int before = segmentFiles(dir).size();
            applyAll(s, List.of(new PersistOp.CompactLog(1)));
            assertThat(segmentFiles(dir)).hasSize(before); // the first segment still holds entries 2..
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefusedUntilTheFirstCloses() throws Exception {
        FileStorage first = FileStorage.open(dir);
        assertThatThrownBy(() -> FileStorage.open(dir)).isInstanceOf(DataDirLockedException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("in use");
        assertThat(DataInspection.inspect(dir).inUse()).isTrue();
        first.close();
        try (FileStorage second = FileStorage.open(dir)) {
            assertThat(second.log().lastIndex()).isZero();
        }
        assertThat(DataInspection.inspect(dir).inUse()).isFalse();
    }

    @Test
    void alwaysModeForcesOnSyncAndASyncWithNothingNewCostsNothing() throws Exception {
        try (FileStorage s = FileStorage.open(dir)) {
            s.apply(new PersistOp.AppendLog(1, entries("a")));
            assertThat(s.durableBytes()).isLessThan(s.writtenBytes());
            s.sync();
            assertThat(s.durableBytes()).isEqualTo(s.writtenBytes());
            long forces = s.forces();
            s.sync();
            s.sync();
            assertThat(s.forces()).isEqualTo(forces);
        }
    }

    @Test
    void batchModeLeavesForcingToTheFlusher() throws Exception {
        StorageOptions batch = StorageOptions.DEFAULT.withFsync(FsyncMode.BATCH, StorageLimits.FSYNC_INTERVAL_MS_MAX);
        try (FileStorage s = FileStorage.open(dir, batch)) {
            long durable = s.durableBytes();
            s.apply(new PersistOp.AppendLog(1, entries("a")));
            s.sync();
            // the flusher's first round is a second away; sync() itself did not force
            assertThat(s.durableBytes()).isEqualTo(durable).isLessThan(s.writtenBytes());
            s.flushRoundNow();
            assertThat(s.durableBytes()).isEqualTo(s.writtenBytes());
        }
    }

    @Test
    void batchModesBackgroundFlusherForcesOnItsOwn() throws Exception {
        StorageOptions batch = StorageOptions.DEFAULT.withFsync(FsyncMode.BATCH, StorageLimits.FSYNC_INTERVAL_MS_MIN);
        try (FileStorage s = FileStorage.open(dir, batch)) {
            s.apply(new PersistOp.AppendLog(1, entries("a")));
            s.sync();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (s.durableBytes() < s.writtenBytes() && System.nanoTime() < deadline) Thread.onSpinWait();
            assertThat(s.durableBytes()).isEqualTo(s.writtenBytes());
            assertThat(s.forces()).isPositive();
        }
        try (FileStorage s = FileStorage.open(dir)) {
            assertThat(logOf(s)).isEqualTo(entries("a"));
        }
    }

    @Test
    void writesReachTheFileBeforeSyncSoAProcessCrashKeepsThem() throws Exception {
        // Not closing models a crashed process: what was written sits in the page cache / file.
        StorageOptions batch = StorageOptions.DEFAULT.withFsync(FsyncMode.BATCH, StorageLimits.FSYNC_INTERVAL_MS_MAX);
        FileStorage crashed = FileStorage.open(dir, batch);
        crashed.apply(new PersistOp.PutStable("view", b("7")));
        crashed.apply(new PersistOp.AppendLog(1, entries("x", "y")));
        crashed.sync();
        Path copy = dir.resolveSibling(dir.getFileName() + "-copy");
        StorageTestSupport.copyDir(dir, copy);
        try (FileStorage s = FileStorage.open(copy)) {
            assertThat(logOf(s)).isEqualTo(entries("x", "y"));
            assertThat(s.stable().get("view")).contains(b("7"));
        } finally {
            crashed.close();
            StorageTestSupport.deleteDir(copy);
        }
    }

    @Test
    void bigAppendsAreSplitIntoRecordsThatEachFit() {
        Bytes big = Bytes.wrap(new byte[StorageLimits.APPEND_RECORD_BYTES_TARGET / 3]);
        List<WalRecord.AppendLog> chunks = FileStorage.chunks(5, List.of(big, big, big, big, big));
        assertThat(chunks).hasSize(3);
        assertThat(chunks).extracting(WalRecord.AppendLog::fromIndex).containsExactly(5L, 7L, 9L);
        assertThat(chunks.stream().mapToInt(c -> c.entries().size()).sum()).isEqualTo(5);
        assertThat(FileStorage.chunks(3, List.of())).containsExactly(new WalRecord.AppendLog(3, List.of()));
    }

    @Test
    void theLockFileNamesItsOwner() throws Exception {
        try (FileStorage s = FileStorage.open(dir)) {
            assertThat(Files.readString(s.dir().resolve(DataDir.LOCK)).strip()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
        }
    }
}
