package io.replikv.server.storage;

import io.replikv.core.storage.Snapshot;
import io.replikv.core.util.Bytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The snapshot file, DIR/snapshot:
 * <pre>
 *   u32 magic "RKVS"   u16 version   i64 index   i64 term   u32 dataLength   data   u32 CRC32C(everything before)
 * </pre>
 * Written to DIR/snapshot.tmp, forced, renamed over DIR/snapshot, then the directory forced: at
 * every moment the directory holds either the old snapshot or the new one, whole.
 */
final class SnapshotFile {
    private SnapshotFile() {}

    static final int MAGIC = 0x524B5653;
    static final short VERSION = 1;
    static final int HEADER_BYTES = 4 + 2 + 8 + 8 + 4;
    static final int TRAILER_BYTES = 4;

    /** Reads and checks DIR/snapshot; empty when there is none. */
    static Optional<Snapshot> read(Path dir) throws IOException {
        Path file = dir.resolve(DataDir.SNAPSHOT);
        if (!Files.exists(file)) return Optional.empty();
        long size = Files.size(file);
        if (size < HEADER_BYTES + TRAILER_BYTES) {
            throw new CorruptDataException(file, 0, "snapshot file of " + size + " bytes is shorter than its header");
        }
        if (size > Integer.MAX_VALUE - 64) throw new CorruptDataException(file, 0, "snapshot file of " + size + " bytes is too large");
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all);
        int magic = b.getInt();
        if (magic != MAGIC) throw new CorruptDataException(file, 0, String.format("bad magic 0x%08x (not a replikv snapshot)", magic));
        int stored = ByteBuffer.wrap(all, all.length - TRAILER_BYTES, TRAILER_BYTES).getInt();
        if (RecordFrame.crc(all, 0, all.length - TRAILER_BYTES) != stored) {
            throw new CorruptDataException(file, all.length - TRAILER_BYTES, "snapshot checksum mismatch");
        }
        short version = b.getShort();
        if (version != VERSION) throw new CorruptDataException(file, 4, "snapshot format version " + version);
        long index = b.getLong();
        long term = b.getLong();
        int length = b.getInt();
        if (length != all.length - HEADER_BYTES - TRAILER_BYTES) {
            throw new CorruptDataException(file, HEADER_BYTES - 4, "data length " + length + " disagrees with the file size");
        }
        if (index < 0 || term < 0) throw new CorruptDataException(file, 6, "negative index or term");
        byte[] data = new byte[length];
        b.get(data);
        return Optional.of(new Snapshot(index, term, Bytes.wrap(data)));
    }

    /** Writes {@code s} durably, replacing the previous snapshot atomically. */
    static void write(Path dir, Snapshot s) throws IOException {
        Path tmp = dir.resolve(DataDir.SNAPSHOT_TMP);
        byte[] data = s.data().unsafeArray();
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        header.putInt(MAGIC).putShort(VERSION).putLong(s.index()).putLong(s.term()).putInt(data.length).flip();
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, HEADER_BYTES);
        crc.update(data, 0, data.length);
        ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES).putInt((int) crc.getValue()).flip();
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer body = ByteBuffer.wrap(data);
            ByteBuffer[] parts = {header, body, trailer};
            while (trailer.hasRemaining()) ch.write(parts);
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(DataDir.SNAPSHOT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DataDir.forceDirectory(dir);
    }
}
