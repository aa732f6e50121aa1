package io.replikv.core.raft;

import io.replikv.core.util.Invariants;
import java.util.ArrayDeque;

/**
 * What a leader knows about one follower (etcd's tracker.Progress): how far the follower's log
 * matches, where to send from next, and the flow-control state.
 * <ul>
 *   <li>PROBE: the match point is unknown; one append at a time, the next after an answer (or a
 *       heartbeat answer, if the append was lost).</li>
 *   <li>REPLICATE: the follower is in step; appends stream optimistically, at most
 *       {@code inflightAppendsMax} unacknowledged at once.</li>
 *   <li>SNAPSHOT: the follower needs entries the leader compacted; a snapshot is on its way.</li>
 * </ul>
 */
final class Progress {
    enum State { PROBE, REPLICATE, SNAPSHOT }

    long matchIndex;
    long nextIndex;
    State state = State.PROBE;
    /** PROBE only: an append is out and unanswered. */
    boolean probeSent;
    /** REPLICATE only: the last index of each unacknowledged append, oldest first. */
    final ArrayDeque<Long> inflight = new ArrayDeque<>();
    /** SNAPSHOT only: the snapshot index sent, and ticks since it was sent (for resending a lost one). */
    long snapshotIndex;
    long snapshotElapsedTicks;
    /** Heard from in this CheckQuorum period. */
    boolean recentActive = true;
    /** The newest heartbeat round the follower answered (ReadIndex). */
    long ackedRound;
    /** {@link #matchIndex} at the previous heartbeat, to notice a stream that stalled on a lost message. */
    long matchIndexAtHeartbeat;

    Progress(long nextIndex) {
        this.nextIndex = nextIndex;
    }

    /** Records an acknowledgement up to {@code index}; true when it was news. */
    boolean onAck(long index) {
        while (!inflight.isEmpty() && inflight.peekFirst() <= index) inflight.pollFirst();
        if (index <= matchIndex) return false;
        matchIndex = index;
        nextIndex = Math.max(nextIndex, index + 1);
        return true;
    }

    void becomeProbe(long next) {
        Invariants.check(next > matchIndex, "probe at %d not after match %d", next, matchIndex);
        state = State.PROBE;
        nextIndex = next;
        probeSent = false;
        inflight.clear();
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        nextIndex = matchIndex + 1;
        probeSent = false;
        inflight.clear();
    }

    void becomeSnapshot(long index) {
        state = State.SNAPSHOT;
        snapshotIndex = index;
        snapshotElapsedTicks = 0;
        inflight.clear();
    }

    /** True when an append may go now. */
    boolean canSend(int inflightAppendsMax) {
        return switch (state) {
            case PROBE -> !probeSent;
            case REPLICATE -> inflight.size() < inflightAppendsMax;
            case SNAPSHOT -> false;
        };
    }

    /** Notes an append ending at {@code lastIndex} (equal to its prevLogIndex when empty) was sent. */
    void onSent(long lastIndex, boolean hasEntries) {
        switch (state) {
            case PROBE -> probeSent = true;
            case REPLICATE -> {
                if (hasEntries) {
                    inflight.addLast(lastIndex);
                    nextIndex = lastIndex + 1;
                }
            }
            case SNAPSHOT -> throw Invariants.unreachable("append sent while a snapshot is pending");
        }
    }

    @Override
    public String toString() {
        return state + "[match=" + matchIndex + " next=" + nextIndex + " inflight=" + inflight.size() + "]";
    }
}
