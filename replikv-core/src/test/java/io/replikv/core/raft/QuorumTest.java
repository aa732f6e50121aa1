package io.replikv.core.raft;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Goal: the majority arithmetic behind commitment and read confirmation agrees with a brute-force count. */
class QuorumTest {
    @Test
    void majoritiesOfSmallGroups() {
        assertThat(Quorum.majority(1)).isEqualTo(1);
        assertThat(Quorum.majority(2)).isEqualTo(2);
        assertThat(Quorum.majority(3)).isEqualTo(2);
        assertThat(Quorum.majority(4)).isEqualTo(3);
        assertThat(Quorum.majority(5)).isEqualTo(3);
        assertThat(Quorum.majority(7)).isEqualTo(4);
    }

    @Test
    void committedIndexIsTheMedianForOddGroups() {
        assertThat(Quorum.committedIndex(new long[] {5, 1, 3})).isEqualTo(3);
        assertThat(Quorum.committedIndex(new long[] {9, 9, 0, 0, 4})).isEqualTo(4);
        assertThat(Quorum.committedIndex(new long[] {2, 7})).isEqualTo(2);
        assertThat(Quorum.committedIndex(new long[] {6})).isEqualTo(6);
    }

    /** The result is held by a majority, and nothing larger is. */
    @Property
    void committedIndexIsTheLargestIndexAMajorityHolds(
            @ForAll @Size(min = 1, max = 9) List<@LongRange(min = 0, max = 20) Long> matches) {
        long[] m = matches.stream().mapToLong(Long::longValue).toArray();
        long c = Quorum.committedIndex(m);
        assertThat(Quorum.reached(countAtLeast(m, c), m.length)).isTrue();
        assertThat(Quorum.reached(countAtLeast(m, c + 1), m.length)).isFalse();
    }

    @Property
    void reachedMeansMoreThanHalf(@ForAll @IntRange(min = 0, max = 20) int count,
                                  @ForAll @IntRange(min = 1, max = 20) int members) {
        assertThat(Quorum.reached(count, members)).isEqualTo(2 * count > members);
    }

    private static int countAtLeast(long[] m, long index) {
        int n = 0;
        for (long x : m) if (x >= index) n++;
        return n;
    }
}
