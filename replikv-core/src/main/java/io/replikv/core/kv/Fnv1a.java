package io.replikv.core.kv;

import io.replikv.core.util.Bytes;

/** 32-bit FNV-1a, for PutHash. */
public final class Fnv1a {
    private Fnv1a() {}

    static final int OFFSET_BASIS = 0x811C9DC5;
    static final int PRIME = 0x01000193;

    /** The hash of {@code a} followed by {@code b}, as an unsigned 32-bit number in a long. */
    public static long hash32(Bytes a, Bytes b) {
        int h = OFFSET_BASIS;
        for (byte x : a.unsafeArray()) h = (h ^ (x & 0xff)) * PRIME;
        for (byte x : b.unsafeArray()) h = (h ^ (x & 0xff)) * PRIME;
        return Integer.toUnsignedLong(h);
    }

    public static long hash32(Bytes a) {
        return hash32(a, Bytes.EMPTY);
    }
}
