package io.replikv.server.storage;

import static io.replikv.server.storage.StorageTestSupport.b;
import static io.replikv.server.storage.StorageTestSupport.entries;
import static io.replikv.server.storage.StorageTestSupport.segmentFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.Snapshot;
import io.replikv.server.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: {@code replikv data inspect} summarises a data directory and {@code replikv data verify}
 * exits 0 when recovery would accept it (a torn tail included) and 1, naming file and offset, when
 * recovery would refuse it; neither changes the directory.
 */
class DataVerbTest {
    @TempDir
    Path dir;

    record Run(int code, String out) {}

    private static Run run(String... args) {
        PrintStream saved = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            int code = Main.commandLine().execute(args);
            return new Run(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
            System.setErr(savedErr);
        }
    }

    private void fill() throws Exception {
        try (FileStorage s = FileStorage.open(dir)) {
            s.apply(new PersistOp.PutStable("raft.hardState", b("\u0003\u0002n2")));
            s.apply(new PersistOp.AppendLog(1, entries("a", "b", "c")));
            s.apply(new PersistOp.SaveSnapshot(new Snapshot(1, 3, b("snap"))));
            s.apply(new PersistOp.CompactLog(1));
            s.sync();
        }
    }

    @Test
    void inspectSummarisesSegmentsLogSnapshotAndStableValues() throws Exception {
        fill();
        Run r = run("data", "inspect", dir.toString());
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("segments: 1,").contains("records=4") // start, put, append, compact: the snapshot has its own file
                .contains("log: first_index=2 last_index=3 entries=2")
                .contains("snapshot: index=1 term=3 bytes=4")
                .contains("raft.hardState = term=3 vote=n2")
                .endsWith("ok" + System.lineSeparator());
    }

    @Test
    void verifyAcceptsACleanDirectoryAndATornTail() throws Exception {
        fill();
        assertThat(run("data", "verify", dir.toString())).isEqualTo(new Run(0, "ok" + System.lineSeparator()));
        Path seg = segmentFiles(dir).getFirst();
        long size = Files.size(seg);
        StorageTestSupport.truncate(seg, size - 3);
        Run torn = run("data", "verify", dir.toString());
        assertThat(torn.code()).isZero();
        assertThat(torn.out()).startsWith("ok: torn tail in " + seg);
        assertThat(Files.size(seg)).as("verify changes nothing").isEqualTo(size - 3);
    }

    @Test
    void verifyRejectsACorruptRecordNamingFileAndOffset() throws Exception {
        fill();
        Path seg = segmentFiles(dir).getFirst();
        long second = RecordFrame.scan(Files.readAllBytes(seg), true).records().get(1).offset();
        StorageTestSupport.flipByte(seg, second + RecordFrame.HEADER_BYTES);
        Run r = run("data", "verify", dir.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("corrupt: " + seg + " at offset " + second + ": record checksum mismatch");
        assertThat(run("data", "inspect", dir.toString()).code()).isEqualTo(1);
    }

    @Test
    void verifyRejectsALogThatStartsBeyondTheSnapshot() throws Exception {
        try (FileStorage s = FileStorage.open(dir)) {
            s.apply(new PersistOp.AppendLog(1, entries("a", "b", "c")));
            s.apply(new PersistOp.CompactLog(2)); // no snapshot covers 1..2
            s.sync();
        }
        Run r = run("data", "verify", dir.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("entries 1..2 are lost");
    }

    @Test
    void aMissingDirectoryIsAUsageError() {
        assertThat(run("data", "verify", dir.resolve("absent").toString()).code()).isEqualTo(2);
        assertThat(run("data").code()).isEqualTo(2);
    }
}
