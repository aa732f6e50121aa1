package io.replikv.core.twophase;

import io.replikv.core.Message;
import io.replikv.core.kv.Request;
import io.replikv.core.util.Bytes;

/**
 * Two-phase commit between the replicas of one view. Every message names its transaction, whose
 * id carries the view: a replica refuses a Prepare of another view and ignores decisions of an
 * older one (the view change settled those).
 */
public sealed interface TwoPcMessage extends Message {
    /** Coordinator → participant: lock the key, record the write durably, vote. */
    record Prepare(TxnId txn, Request request) implements TwoPcMessage {}

    /** Participant → coordinator, after the prepare record is durable. {@code timestamp}: proposed commit timestamp. */
    record Vote(TxnId txn, boolean yes, long timestamp, String reason) implements TwoPcMessage {}

    /** Coordinator → participant: every replica voted yes; apply at {@code timestamp} in the commit order. */
    record Commit(TxnId txn, long timestamp) implements TwoPcMessage {}

    /** Coordinator → participant: forget the transaction and release its lock. */
    record Abort(TxnId txn) implements TwoPcMessage {}

    /** Participant → coordinator: the committed write is applied (and durable) here. */
    record Applied(TxnId txn) implements TwoPcMessage {}

    /**
     * Coordinator → participant, once every member applied the transaction: a read may now return
     * its value (before, the write could still be undone by a view change if the replicas that
     * applied it all failed).
     */
    record Stable(TxnId txn) implements TwoPcMessage {}

    /**
     * Participant → coordinator: this transaction has waited here a long time; {@code applied}
     * false: it is prepared and undecided (answered Commit or Abort); true: it is applied and a
     * read waits for it to be stable (answered Stable).
     */
    record Inquire(TxnId txn, boolean applied) implements TwoPcMessage {}

    /**
     * State source → joiner during a view change: the state (KvStateMachine snapshot: data and
     * session table) that attempt {@code attempt} of the change to view {@code number} settled.
     * Nothing is in doubt in it: settlement decided every transaction of the old view.
     */
    record StateTransfer(long number, long attempt, Bytes state) implements TwoPcMessage {}
}
