package io.replikv.server.storage;

import io.replikv.core.util.Bytes;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One record of the write-ahead log: the payload inside a {@link RecordFrame}. The first byte is
 * the type; all integers are big-endian (docs/durability.md has the table).
 *
 * <pre>
 *   1 SEGMENT_START  u32 magic "RKVW", u16 version, u64 sequence, i64 firstIndex, i64 lastIndex,
 *                    u32 n, n x (u16 keyLength, key UTF-8, u32 valueLength, value)
 *   2 PUT_STABLE     u16 keyLength, key UTF-8, u32 valueLength, value
 *   3 APPEND_LOG     i64 fromIndex, u32 n, n x (u32 length, entry)
 *   4 COMPACT_LOG    i64 throughIndex
 * </pre>
 */
sealed interface WalRecord {
    byte SEGMENT_START = 1;
    byte PUT_STABLE = 2;
    byte APPEND_LOG = 3;
    byte COMPACT_LOG = 4;

    /** "RKVW": marks a file as a replikv WAL segment. */
    int MAGIC = 0x524B5657;
    /** Format version of segments written by this build. */
    short VERSION = 1;

    /**
     * The first record of every segment: the log's bounds and every stable value when the segment
     * was started. It lets replay begin at any segment, so older segments can be deleted after
     * compaction without losing the stable values or the log's bounds that they recorded.
     */
    record SegmentStart(long sequence, long firstIndex, long lastIndex, SortedMap<String, Bytes> stable) implements WalRecord {
        public SegmentStart {
            stable = Collections.unmodifiableSortedMap(new TreeMap<>(stable));
        }
    }

    record PutStable(String key, Bytes value) implements WalRecord {}

    record AppendLog(long fromIndex, List<Bytes> entries) implements WalRecord {
        public AppendLog {
            entries = List.copyOf(entries);
        }
    }

    record CompactLog(long throughIndex) implements WalRecord {}

    /** A payload that passed its checksum but does not parse: a bug or a newer format, never a torn write. */
    final class MalformedRecordException extends RuntimeException {
        MalformedRecordException(String message) {
            super(message);
        }
    }

    static byte[] encode(WalRecord record) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(buf)) {
            switch (record) {
                case SegmentStart s -> {
                    out.writeByte(SEGMENT_START);
                    out.writeInt(MAGIC);
                    out.writeShort(VERSION);
                    out.writeLong(s.sequence());
                    out.writeLong(s.firstIndex());
                    out.writeLong(s.lastIndex());
                    out.writeInt(s.stable().size());
                    for (var e : s.stable().entrySet()) writeStable(out, e.getKey(), e.getValue());
                }
                case PutStable p -> {
                    out.writeByte(PUT_STABLE);
                    writeStable(out, p.key(), p.value());
                }
                case AppendLog a -> {
                    out.writeByte(APPEND_LOG);
                    out.writeLong(a.fromIndex());
                    out.writeInt(a.entries().size());
                    for (Bytes e : a.entries()) {
                        out.writeInt(e.length());
                        out.write(e.unsafeArray());
                    }
                }
                case CompactLog c -> {
                    out.writeByte(COMPACT_LOG);
                    out.writeLong(c.throughIndex());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return buf.toByteArray();
    }

    private static void writeStable(DataOutputStream out, String key, Bytes value) throws IOException {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        if (k.length > StorageLimits.STABLE_KEY_BYTES_MAX) {
            throw new IllegalArgumentException("stable key of " + k.length + " bytes exceeds " + StorageLimits.STABLE_KEY_BYTES_MAX);
        }
        out.writeShort(k.length);
        out.write(k);
        out.writeInt(value.length());
        out.write(value.unsafeArray());
    }

    /** Bytes {@link #encode} produces for an AppendLog entry besides the entry itself. */
    int APPEND_ENTRY_OVERHEAD_BYTES = 4;

    static WalRecord decode(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        try {
            byte type = in.get();
            WalRecord r = switch (type) {
                case SEGMENT_START -> decodeStart(in);
                case PUT_STABLE -> {
                    String key = readKey(in);
                    yield new PutStable(key, readValue(in));
                }
                case APPEND_LOG -> decodeAppend(in);
                case COMPACT_LOG -> new CompactLog(in.getLong());
                default -> throw new MalformedRecordException("unknown record type " + type);
            };
            if (in.hasRemaining()) throw new MalformedRecordException(in.remaining() + " bytes after the record");
            return r;
        } catch (BufferUnderflowException e) {
            throw new MalformedRecordException("record ends early");
        }
    }

    private static SegmentStart decodeStart(ByteBuffer in) {
        int magic = in.getInt();
        if (magic != MAGIC) throw new MalformedRecordException(String.format("bad magic 0x%08x", magic));
        short version = in.getShort();
        if (version != VERSION) throw new MalformedRecordException("segment format version " + version + " (this build reads " + VERSION + ")");
        long sequence = in.getLong();
        long first = in.getLong();
        long last = in.getLong();
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) throw new MalformedRecordException("bad stable count " + n);
        TreeMap<String, Bytes> stable = new TreeMap<>();
        for (int i = 0; i < n; i++) stable.put(readKey(in), readValue(in));
        return new SegmentStart(sequence, first, last, stable);
    }

    private static AppendLog decodeAppend(ByteBuffer in) {
        long from = in.getLong();
        int n = in.getInt();
        if (n < 0 || n > in.remaining() / APPEND_ENTRY_OVERHEAD_BYTES) throw new MalformedRecordException("bad entry count " + n);
        List<Bytes> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) entries.add(readValue(in));
        return new AppendLog(from, entries);
    }

    private static String readKey(ByteBuffer in) {
        int len = Short.toUnsignedInt(in.getShort());
        if (len > StorageLimits.STABLE_KEY_BYTES_MAX || len > in.remaining()) throw new MalformedRecordException("bad key length " + len);
        byte[] k = new byte[len];
        in.get(k);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(k)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedRecordException("stable key is not UTF-8");
        }
    }

    private static Bytes readValue(ByteBuffer in) {
        int len = in.getInt();
        if (len < 0 || len > in.remaining()) throw new MalformedRecordException("bad length " + len);
        byte[] v = new byte[len];
        in.get(v);
        return Bytes.wrap(v);
    }
}
