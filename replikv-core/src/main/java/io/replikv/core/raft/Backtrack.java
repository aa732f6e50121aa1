package io.replikv.core.raft;

/**
 * The fast log back-up of the extended paper (§5.3, the "conflict term" optimisation): a follower
 * that rejects an append says which term it holds at the rejected index and where that term
 * begins, and the leader skips the whole term at once, so a follower that diverged by thousands
 * of entries is repaired in a few round trips instead of one per entry.
 */
public final class Backtrack {
    private Backtrack() {}

    /** What a follower tells the leader about its log when it rejects an append. */
    public record Hint(long conflictIndex, long conflictTerm) {}

    /**
     * The follower's hint for a rejected {@code prevLogIndex}. A log too short gives conflict term
     * 0 and the index just past its end; otherwise the term it holds there and the first index of
     * that term (never at or below {@code commitIndex}, which is known to match).
     */
    public static Hint followerHint(RaftLog log, long prevLogIndex, long commitIndex) {
        if (prevLogIndex > log.lastIndex()) return new Hint(log.lastIndex() + 1, 0);
        long term = log.term(prevLogIndex);
        long first = Math.max(log.firstIndexOfTermAt(prevLogIndex), commitIndex + 1);
        return new Hint(first, term);
    }

    /**
     * Where the leader resumes after a rejection with {@code hint}: just past its own last entry of
     * the conflict term when it has that term (the logs agree up to there), else at the start of the
     * follower's run of that term (or the follower's end). The result is kept within
     * [{@code matchIndex} + 1, {@code rejectedIndex}]: never behind what is known to match, and
     * always before the index just rejected, so every rejection makes progress.
     */
    public static long leaderNextIndex(RaftLog leaderLog, Hint hint, long rejectedIndex, long matchIndex) {
        long next = hint.conflictIndex();
        if (hint.conflictTerm() > 0) {
            long last = leaderLog.lastIndexOfTerm(hint.conflictTerm());
            if (last >= 0) next = last + 1;
        }
        return Math.max(matchIndex + 1, Math.min(next, rejectedIndex));
    }
}
