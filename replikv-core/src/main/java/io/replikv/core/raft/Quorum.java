package io.replikv.core.raft;

import io.replikv.core.util.Invariants;
import java.util.Arrays;

/** Majority arithmetic, kept apart so it can be checked against a brute-force count. */
public final class Quorum {
    private Quorum() {}

    /** The smallest number of members that is a majority of {@code members}. */
    public static int majority(int members) {
        Invariants.check(members > 0, "a group needs members: %d", members);
        return members / 2 + 1;
    }

    /** The largest index that a majority of members hold (each member's match index given once). */
    public static long committedIndex(long[] matchIndexes) {
        Invariants.check(matchIndexes.length > 0, "no match indexes");
        long[] sorted = matchIndexes.clone();
        Arrays.sort(sorted);
        // ascending: the element with exactly majority-1 elements above it is held by a majority
        return sorted[sorted.length - majority(sorted.length)];
    }

    /** True when {@code count} members (of {@code members}) form a majority. */
    public static boolean reached(int count, int members) {
        return count >= majority(members);
    }
}
