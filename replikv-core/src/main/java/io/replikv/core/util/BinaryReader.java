package io.replikv.core.util;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads what {@link BinaryWriter} wrote. Input may come from the network or a damaged disk, so
 * every read is bounds-checked and failures are {@link MalformedInputException}s (an operating
 * error the caller turns into a closed connection or a refused file), never an
 * ArrayIndexOutOfBounds or an attempt to allocate an absurd length.
 */
public final class BinaryReader {
    private final byte[] buf;
    private int pos;
    private final int end;

    public BinaryReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public BinaryReader(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new MalformedInputException("bad slice " + offset + "+" + length + " of " + buf.length);
        }
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    public static BinaryReader of(Bytes bytes) {
        return new BinaryReader(bytes.unsafeArray());
    }

    private void need(int n) {
        if (n < 0 || end - pos < n) {
            throw new MalformedInputException("truncated: need " + n + " bytes, have " + (end - pos));
        }
    }

    public int remaining() {
        return end - pos;
    }

    public boolean hasRemaining() {
        return pos < end;
    }

    public int readByte() {
        need(1);
        return buf[pos++] & 0xff;
    }

    public boolean readBoolean() {
        int b = readByte();
        if (b > 1) throw new MalformedInputException("bad boolean " + b);
        return b == 1;
    }

    public int readInt() {
        need(4);
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
                | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    public long readLong() {
        long hi = readInt() & 0xffffffffL;
        long lo = readInt() & 0xffffffffL;
        return (hi << 32) | lo;
    }

    public long readVarLong() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (v < 0) throw new MalformedInputException("varlong overflow");
                return v;
            }
        }
        throw new MalformedInputException("varlong too long");
    }

    /** A varlong that must lie in [0, max]: lengths and counts from untrusted input. */
    public int readLength(int max) {
        long v = readVarLong();
        if (v > max) throw new MalformedInputException("length " + v + " exceeds " + max);
        return (int) v;
    }

    public byte[] readRaw(int n) {
        need(n);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    public Bytes readBytes(int max) {
        int n = readLength(max);
        need(n);
        return Bytes.wrap(readRaw(n));
    }

    public String readString(int max) {
        return new String(readBytes(max).unsafeArray(), StandardCharsets.UTF_8);
    }

    public void expectEnd() {
        if (pos != end) throw new MalformedInputException((end - pos) + " trailing bytes");
    }
}
