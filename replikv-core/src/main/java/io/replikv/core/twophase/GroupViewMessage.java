package io.replikv.core.twophase;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import java.util.List;

/**
 * The 2pc membership protocol between the replicas and the group view service. A view change
 * from n to n+1 runs in rounds, each retransmitted until answered: Freeze (the survivors stop
 * preparing and report their undecided transactions), SettleQuery (which of those did anyone
 * commit), Settle (commit those, abort the rest; the state source sends the settled state to
 * joining replicas, which answer CaughtUp), Install. {@code attempt} numbers the tries of one
 * change, so answers to an abandoned try are not counted.
 */
public sealed interface GroupViewMessage extends Message {
    /**
     * Replica → view service, every ping interval. {@code viewNumber}: the view the replica has
     * installed and is a member of (0: none, e.g. just restarted with empty state);
     * {@code incarnation}: drawn at random when the replica starts, so a restart is recognised even
     * if it is quick; {@code pingTick}: the replica's tick when sent, echoed back so the replica
     * can date its read lease from the send; {@code recoveredViewNumber} > 0 (only while not a
     * member): this restarted replica replayed its journal of that installed view — a claim the
     * service uses only when no member of its view survived. {@code journalEmpty} (only while not
     * a member): this incarnation started from an empty journal (no record of an installed view or
     * of a catch-up, no transaction record: at most the snapshot of a first install whose record
     * a crash lost) and has journaled nothing since — distinct from "no claim", which a
     * replica also sends when it caught up, was dropped, or replayed records of no view. The
     * service uses it only to start a group afresh whose first view served nothing
     * (docs/2pc.md, "Whole-group crash").
     */
    record Ping(long viewNumber, long incarnation, long pingTick, long recoveredViewNumber, boolean journalEmpty)
            implements GroupViewMessage {
        /** A ping without a claim, from a replica whose journal is not empty. */
        public Ping(long viewNumber, long incarnation, long pingTick) {
            this(viewNumber, incarnation, pingTick, 0, false);
        }

        /** A ping with a claim (or none: 0), from a replica whose journal is not empty. */
        public Ping(long viewNumber, long incarnation, long pingTick, long recoveredViewNumber) {
            this(viewNumber, incarnation, pingTick, recoveredViewNumber, false);
        }
    }

    /** Anyone → view service: what is the current view? Answered with a {@link ViewReply} (no lease). */
    record GetView() implements GroupViewMessage {}

    /**
     * View service → replica or asker: the installed view. {@code lease}: the replica may serve reads
     * until {@code pingTick} + lease ticks (false for askers and for replicas being dropped).
     */
    record ViewReply(GroupView view, long pingTick, boolean lease) implements GroupViewMessage {}

    /** View service → survivor: stop preparing transactions of view {@code number - 1}. */
    record Freeze(long number, long attempt) implements GroupViewMessage {}

    /** Survivor → view service: frozen; these transactions are prepared here and undecided. */
    record Frozen(long number, long attempt, List<TxnKey> undecided) implements GroupViewMessage {}

    /** View service → survivor: which of these transactions did you commit? */
    record SettleQuery(long number, long attempt, List<TxnKey> txns) implements GroupViewMessage {}

    /** Survivor → view service: the subset of the query committed here, with final timestamps. */
    record SettleAnswer(long number, long attempt, List<CommitDecision> committed) implements GroupViewMessage {}

    /**
     * View service → survivor: commit exactly these, abort every other undecided transaction of the
     * old view, apply everything. {@code source} then sends its state to each of {@code joiners}.
     */
    record Settle(long number, long attempt, List<CommitDecision> commits, List<NodeId> joiners, NodeId source)
            implements GroupViewMessage {}

    /** Survivor → view service: settled; nothing of the old view is undecided here. */
    record Settled(long number, long attempt) implements GroupViewMessage {}

    /** Joiner → view service: this incarnation of me holds the state attempt {@code attempt} settled for view {@code number}. */
    record CaughtUp(long number, long attempt, long incarnation) implements GroupViewMessage {}

    /**
     * View service → member: view installed; start using it. {@code fresh}: the group starts
     * afresh with this view (its first view served nothing; docs/2pc.md, "Whole-group crash"):
     * every member starts empty, without state transfer. Only a replica that holds nothing —
     * no view, no state, an empty journal — accepts a fresh Install; one that holds data ignores it.
     */
    record Install(GroupView view, boolean fresh) implements GroupViewMessage {
        /** An Install of a view reached by a view change (or the first view): not fresh. */
        public Install(GroupView view) {
            this(view, false);
        }
    }
}
