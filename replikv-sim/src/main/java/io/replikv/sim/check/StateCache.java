package io.replikv.sim.check;

import io.replikv.core.util.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The search's memo of explored states, with dominance. A state is (definite operations placed,
 * indefinite operations placed, value). Reaching a state again means everything after it was
 * already tried, so the search prunes it (Lowe's memoization). More than that: indefinite
 * operations are optional, so a state that placed a subset of the indefinite operations of another
 * (same definite set, same value) can do everything the other can; once the smaller one is
 * explored, the larger one is pruned too. That is what keeps histories with many Unknown writes
 * from exploring every subset of them.
 *
 * <p>An open addressing table (linear probing) keyed by (definite set, value); each entry keeps the
 * indefinite sets stored for it, none a subset of another. It never iterates over keys, only adds
 * and finds, and a lookup copies nothing.
 */
final class StateCache {
    /** Slots at start; the table doubles when half full. */
    private static final int INITIAL_SLOTS = 1024;

    /** Rough fixed cost of one stored set in bytes (array header, list slot), for the byte budget. */
    static final long SET_OVERHEAD_BYTES = 48;

    /** Rough fixed cost of one (definite set, value) entry in bytes (slots, array header, list), for the byte budget. */
    static final long ENTRY_OVERHEAD_BYTES = 96;

    private long[][] definiteSets = new long[INITIAL_SLOTS][];
    private Bytes[] values = new Bytes[INITIAL_SLOTS];
    private int[] hashes = new int[INITIAL_SLOTS];
    private Object[] indefiniteSets = new Object[INITIAL_SLOTS]; // a long[] or a List<long[]>
    private int entries;
    private long added;
    private long bytes;

    /** States stored so far (what the budget counts). */
    long added() {
        return added;
    }

    /** Estimated bytes held. */
    long bytes() {
        return bytes;
    }

    /**
     * Stores the state unless it or a state that dominates it is there; true if it was stored (the
     * search should explore it). {@code hash} must depend only on {@code definite} and {@code value}.
     */
    boolean add(long[] definite, long[] indefinite, Bytes value, int hash) {
        int mask = definiteSets.length - 1;
        for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
            long[] d = definiteSets[slot];
            if (d == null) {
                definiteSets[slot] = definite.clone();
                values[slot] = value;
                hashes[slot] = hash;
                indefiniteSets[slot] = indefinite.clone();
                stored(definite.length + indefinite.length, ENTRY_OVERHEAD_BYTES);
                if (++entries * 2 > definiteSets.length) grow();
                return true;
            }
            if (hashes[slot] == hash && Objects.equals(values[slot], value) && Arrays.equals(d, definite)) {
                return addIndefinite(slot, indefinite);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private boolean addIndefinite(int slot, long[] indefinite) {
        Object held = indefiniteSets[slot];
        List<long[]> sets;
        if (held instanceof long[] one) {
            if (subset(one, indefinite)) return false;
            sets = new ArrayList<>(2);
            sets.add(one);
            indefiniteSets[slot] = sets;
        } else {
            sets = (List<long[]>) held;
            for (long[] s : sets) if (subset(s, indefinite)) return false;
        }
        // sets the new one is a subset of are dominated by it from now on
        sets.removeIf(s -> subset(indefinite, s));
        sets.add(indefinite.clone());
        stored(indefinite.length, SET_OVERHEAD_BYTES);
        return true;
    }

    private void stored(int words, long overheadBytes) {
        added++;
        bytes += overheadBytes + 8L * words;
    }

    /** Accounts for a value built by the search and now held by the cache. */
    void holdsValue(Bytes value) {
        bytes += value.length();
    }

    private static boolean subset(long[] small, long[] big) {
        for (int w = 0; w < small.length; w++) if ((small[w] & ~big[w]) != 0) return false;
        return true;
    }

    private static int spread(int hash) {
        return (hash * 0x9E3779B9) ^ (hash >>> 16);
    }

    private void grow() {
        long[][] oldDefinite = definiteSets;
        Bytes[] oldValues = values;
        int[] oldHashes = hashes;
        Object[] oldIndefinite = indefiniteSets;
        int slots = oldDefinite.length * 2;
        definiteSets = new long[slots][];
        values = new Bytes[slots];
        hashes = new int[slots];
        indefiniteSets = new Object[slots];
        int mask = slots - 1;
        for (int i = 0; i < oldDefinite.length; i++) {
            if (oldDefinite[i] == null) continue;
            int slot = spread(oldHashes[i]) & mask;
            while (definiteSets[slot] != null) slot = (slot + 1) & mask;
            definiteSets[slot] = oldDefinite[i];
            values[slot] = oldValues[i];
            hashes[slot] = oldHashes[i];
            indefiniteSets[slot] = oldIndefinite[i];
        }
    }
}
