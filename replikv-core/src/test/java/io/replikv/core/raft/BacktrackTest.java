package io.replikv.core.raft;

import static io.replikv.core.raft.RaftLogTest.logOfTerms;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.util.Bytes;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Goal: the conflict hints of the fast log back-up (§5.3). Checked on the paper's Figure 7 style
 * cases, and as a property: repeatedly applying the rejection rule from any pair of logs that
 * share a prefix reaches the true match point without ever skipping below it or looping.
 */
class BacktrackTest {
    @Test
    void shortFollowerPointsJustPastItsEnd() {
        RaftLog follower = logOfTerms(1, 1);
        Backtrack.Hint hint = Backtrack.followerHint(follower, 5, 0);
        assertThat(hint).isEqualTo(new Backtrack.Hint(3, 0));
        assertThat(Backtrack.leaderNextIndex(logOfTerms(1, 1, 2, 2, 2), hint, 5, 0)).isEqualTo(3);
    }

    @Test
    void conflictingTermIsSkippedInOneRoundTrip() {
        // follower holds a run of term 2 the leader never had; the leader's log goes 1,1,3,3,3,3
        RaftLog follower = logOfTerms(1, 1, 2, 2, 2, 2);
        RaftLog leader = logOfTerms(1, 1, 3, 3, 3, 3);
        Backtrack.Hint hint = Backtrack.followerHint(follower, 6, 0);
        assertThat(hint).isEqualTo(new Backtrack.Hint(3, 2));
        assertThat(Backtrack.leaderNextIndex(leader, hint, 6, 0)).isEqualTo(3);
    }

    @Test
    void leaderHoldingTheConflictTermResumesAfterItsLastEntryOfIt() {
        RaftLog follower = logOfTerms(1, 2, 2, 2, 2);
        RaftLog leader = logOfTerms(1, 2, 2, 4, 4, 4);
        Backtrack.Hint hint = Backtrack.followerHint(follower, 5, 0);
        assertThat(hint).isEqualTo(new Backtrack.Hint(2, 2));
        assertThat(Backtrack.leaderNextIndex(leader, hint, 5, 0)).isEqualTo(4);
    }

    @Test
    void hintNeverPointsAtOrBelowTheCommitIndex() {
        RaftLog follower = logOfTerms(2, 2, 2, 2);
        assertThat(Backtrack.followerHint(follower, 4, 2).conflictIndex()).isEqualTo(3);
    }

    @Test
    void nextIndexStaysWithinMatchAndRejectedIndex() {
        RaftLog leader = logOfTerms(1, 1, 1, 1, 1, 1, 1, 1);
        assertThat(Backtrack.leaderNextIndex(leader, new Backtrack.Hint(20, 0), 5, 0)).isEqualTo(5);
        assertThat(Backtrack.leaderNextIndex(leader, new Backtrack.Hint(1, 3), 5, 3)).isEqualTo(4);
    }

    /** Two logs that agree on a prefix and then diverge with random (increasing) terms. */
    @Property(tries = 300)
    void backingUpConvergesOnTheMatchPoint(@ForAll @IntRange(min = 0, max = 6) int common,
                                           @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 2) Integer> leaderSteps,
                                           @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 2) Integer> followerSteps) {
        List<LogEntry> prefix = new ArrayList<>();
        for (int i = 0; i < common; i++) prefix.add(LogEntry.command(1 + i / 2, Bytes.EMPTY));
        long base = prefix.isEmpty() ? 1 : prefix.getLast().term();
        // leader terms are even, follower terms odd, after the prefix: they never share a term there
        RaftLog leader = extend(prefix, base, leaderSteps, 0);
        RaftLog follower = extend(prefix, base, followerSteps, 1);
        long next = leader.lastIndex() + 1;
        int rounds = 0;
        while (true) {
            long prev = next - 1;
            if (follower.term(prev) == leader.term(prev)) break;
            Backtrack.Hint hint = Backtrack.followerHint(follower, prev, 0);
            long newNext = Backtrack.leaderNextIndex(leader, hint, prev, 0);
            assertThat(newNext).isLessThan(next).isGreaterThan(common);
            next = newNext;
            assertThat(++rounds).isLessThan(40);
        }
        assertThat(next - 1).isGreaterThanOrEqualTo(common);
        // everything the leader sends from here replaces exactly the diverged part
        assertThat(next - 1).isLessThanOrEqualTo(Math.min(leader.lastIndex(), follower.lastIndex()));
    }

    private static RaftLog extend(List<LogEntry> prefix, long base, List<Integer> steps, int parity) {
        List<LogEntry> entries = new ArrayList<>(prefix);
        long term = 2 * (base + 1) + parity;
        for (int step : steps) {
            term += 2L * step;
            entries.add(LogEntry.command(term, Bytes.EMPTY));
        }
        return new RaftLog(0, 0, entries);
    }
}
