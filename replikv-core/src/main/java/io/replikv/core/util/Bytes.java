package io.replikv.core.util;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable byte string. Keys and values are binary-safe (RESP is), so they are bytes, not
 * Strings; equality, hashing and ordering are by content (unsigned lexicographic order).
 */
public final class Bytes implements Comparable<Bytes> {
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private final byte[] data;

    private Bytes(byte[] data) {
        this.data = data;
    }

    /** Copies {@code data}; later changes to the array do not reach this value. */
    public static Bytes copyOf(byte[] data) {
        return data.length == 0 ? EMPTY : new Bytes(data.clone());
    }

    /** Takes ownership of {@code data}: the caller must never change it afterwards. */
    public static Bytes wrap(byte[] data) {
        return data.length == 0 ? EMPTY : new Bytes(data);
    }

    public static Bytes of(String utf8) {
        return wrap(utf8.getBytes(StandardCharsets.UTF_8));
    }

    public int length() {
        return data.length;
    }

    public boolean isEmpty() {
        return data.length == 0;
    }

    public byte byteAt(int index) {
        return data[index];
    }

    /** A fresh copy of the contents. */
    public byte[] toByteArray() {
        return data.clone();
    }

    /** The contents without a copy, for codecs and hashing: callers must not change the array. */
    public byte[] unsafeArray() {
        return data;
    }

    public Bytes concat(Bytes other) {
        if (other.data.length == 0) return this;
        if (data.length == 0) return other;
        byte[] joined = Arrays.copyOf(data, data.length + other.data.length);
        System.arraycopy(other.data, 0, joined, data.length, other.data.length);
        return new Bytes(joined);
    }

    public String utf8() {
        return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes b && Arrays.equals(data, b.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public int compareTo(Bytes o) {
        return Arrays.compareUnsigned(data, o.data);
    }

    /** UTF-8 text when the bytes are printable ASCII, otherwise hex: for logs, traces and test output. */
    @Override
    public String toString() {
        for (byte b : data) {
            if (b < 0x20 || b > 0x7e) return "0x" + java.util.HexFormat.of().formatHex(data);
        }
        return new String(data, StandardCharsets.US_ASCII);
    }
}
