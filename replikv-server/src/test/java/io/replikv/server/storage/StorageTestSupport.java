package io.replikv.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.storage.Storage;
import io.replikv.core.util.Bytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Helpers for the storage tests: directories, and "the same visible state" between two storages. */
final class StorageTestSupport {
    private StorageTestSupport() {}

    static Bytes b(String s) {
        return Bytes.of(s);
    }

    static List<Bytes> entries(String... s) {
        List<Bytes> out = new ArrayList<>();
        for (String x : s) out.add(Bytes.of(x));
        return out;
    }

    /** Every entry of the log, in order. */
    static List<Bytes> logOf(Storage s) {
        List<Bytes> out = new ArrayList<>();
        for (long i = s.log().firstIndex(); i <= s.log().lastIndex(); i++) out.add(s.log().entry(i));
        return out;
    }

    /** Asserts that {@code actual} shows what {@code expected} shows, for the stable keys given. */
    static void assertSameState(Storage actual, Storage expected, List<String> keys) {
        assertThat(actual.log().firstIndex()).as("first index").isEqualTo(expected.log().firstIndex());
        assertThat(actual.log().lastIndex()).as("last index").isEqualTo(expected.log().lastIndex());
        assertThat(logOf(actual)).as("entries").isEqualTo(logOf(expected));
        for (String k : keys) assertThat(actual.stable().get(k)).as("stable " + k).isEqualTo(expected.stable().get(k));
        assertThat(actual.snapshots().latest()).as("snapshot").isEqualTo(expected.snapshots().latest());
    }

    static List<Path> segmentFiles(Path dir) {
        try {
            return DataDir.segments(dir).stream().map(DataDir.SegmentFile::path).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals(DataDir.LOCK)) Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    static void deleteDir(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void flipByte(Path file, long offset) throws IOException {
        byte[] data = Files.readAllBytes(file);
        data[(int) offset] ^= 0x5A;
        Files.write(file, data);
    }

    static void truncate(Path file, long size) throws IOException {
        byte[] data = Files.readAllBytes(file);
        byte[] cut = new byte[(int) size];
        System.arraycopy(data, 0, cut, 0, (int) size);
        Files.write(file, cut);
    }
}
