package io.replikv.core.util;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable big-endian byte buffer for codecs and snapshots. Not thread-safe; cores are single-threaded. */
public final class BinaryWriter {
    private byte[] buf;
    private int size;

    public BinaryWriter() {
        this(64);
    }

    public BinaryWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
    }

    public BinaryWriter writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    public BinaryWriter writeBoolean(boolean b) {
        return writeByte(b ? 1 : 0);
    }

    public BinaryWriter writeInt(int v) {
        ensure(4);
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    public BinaryWriter writeLong(long v) {
        writeInt((int) (v >>> 32));
        return writeInt((int) v);
    }

    /** Unsigned LEB128: small non-negative numbers (lengths, counts) in few bytes. */
    public BinaryWriter writeVarLong(long v) {
        Invariants.check(v >= 0, "varlong must be non-negative: %d", v);
        while ((v & ~0x7FL) != 0) {
            writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        return writeByte((int) v);
    }

    public BinaryWriter writeRaw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
        return this;
    }

    /** Length-prefixed (varlong) bytes. */
    public BinaryWriter writeBytes(Bytes b) {
        writeVarLong(b.length());
        return writeRaw(b.unsafeArray());
    }

    /** Length-prefixed UTF-8. */
    public BinaryWriter writeString(String s) {
        return writeBytes(Bytes.wrap(s.getBytes(StandardCharsets.UTF_8)));
    }

    public int size() {
        return size;
    }

    /** Overwrites 4 bytes at {@code position} (for length prefixes written after the body). */
    public void putInt(int position, int v) {
        Invariants.check(position >= 0 && position + 4 <= size, "putInt out of range: %d", position);
        buf[position] = (byte) (v >>> 24);
        buf[position + 1] = (byte) (v >>> 16);
        buf[position + 2] = (byte) (v >>> 8);
        buf[position + 3] = (byte) v;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    public Bytes toBytes() {
        return Bytes.wrap(toByteArray());
    }
}
