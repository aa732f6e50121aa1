package io.replikv.server.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The layout of a data directory:
 * <pre>
 *   LOCK                          held (FileChannel.tryLock) by the process that has the directory open
 *   wal-00000000000000000001.log  write-ahead log segments, numbered from 1 without gaps
 *   snapshot                      the latest durable snapshot
 *   snapshot.tmp                  a snapshot being written (removed on open if a crash left it)
 * </pre>
 */
public final class DataDir {
    private DataDir() {}

    public static final String LOCK = "LOCK";
    public static final String SNAPSHOT = "snapshot";
    public static final String SNAPSHOT_TMP = "snapshot.tmp";
    private static final Pattern SEGMENT_NAME = Pattern.compile("wal-(\\d{20})\\.log");

    public static String segmentName(long sequence) {
        return String.format("wal-%020d.log", sequence);
    }

    /** A segment file and its sequence number. */
    public record SegmentFile(long sequence, Path path) {}

    /** The segment files in {@code dir}, in sequence order (gaps are the caller's to judge). */
    public static List<SegmentFile> segments(Path dir) throws IOException {
        List<SegmentFile> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                Matcher m = SEGMENT_NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) found.add(new SegmentFile(Long.parseLong(m.group(1)), p));
            }
        }
        return found;
    }

    /**
     * Forces the directory itself, so that a file created, renamed or deleted in it stays so after
     * a power loss (the file's own force does not cover its directory entry).
     */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
