package io.replikv.core.twophase;

import io.replikv.core.util.Invariants;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The apply order of committed transactions, the same on every replica (Skeen's total-order
 * algorithm folded into the two phases). A participant proposes a timestamp above everything it
 * has seen when it prepares; the coordinator commits with the largest proposal; a committed
 * transaction is applied once no prepared transaction could still end up before it. Locks
 * already order conflicting writes; this orders the rest too, so the session table (whose
 * eviction order is its apply order) and the digest agree everywhere, not only the data.
 */
public final class CommitOrder {
    /** A place in the order: by timestamp, ties broken by transaction id. */
    record Slot(long timestamp, TxnId txn) implements Comparable<Slot> {
        @Override
        public int compareTo(Slot o) {
            int c = Long.compare(timestamp, o.timestamp);
            return c != 0 ? c : txn.compareTo(o.txn);
        }
    }

    private final TreeMap<Slot, Boolean> queue = new TreeMap<>(); // value: committed
    private final TreeMap<TxnId, Slot> slots = new TreeMap<>();
    private long clock;

    public long clock() {
        return clock;
    }

    /** Enters a prepared transaction; returns the timestamp this participant proposes for it. */
    public long propose(TxnId txn) {
        Invariants.check(!slots.containsKey(txn), "txn %s proposed twice", txn);
        Slot s = new Slot(++clock, txn);
        queue.put(s, false);
        slots.put(txn, s);
        return s.timestamp();
    }

    public boolean contains(TxnId txn) {
        return slots.containsKey(txn);
    }

    public long proposed(TxnId txn) {
        Slot s = slots.get(txn);
        Invariants.check(s != null, "no slot for %s", txn);
        return s.timestamp();
    }

    public boolean committed(TxnId txn) {
        Slot s = slots.get(txn);
        return s != null && queue.get(s);
    }

    /** Marks a prepared transaction committed at its final timestamp (never below what this node proposed). */
    public void commit(TxnId txn, long finalTimestamp) {
        Slot old = slots.get(txn);
        Invariants.check(old != null, "commit of %s which is not prepared here", txn);
        Invariants.check(finalTimestamp >= old.timestamp(), "txn %s committed at %d below its proposal %d",
                txn, finalTimestamp, old.timestamp());
        queue.remove(old);
        Slot s = new Slot(finalTimestamp, txn);
        queue.put(s, true);
        slots.put(txn, s);
        clock = Math.max(clock, finalTimestamp);
    }

    public void abort(TxnId txn) {
        Slot s = slots.remove(txn);
        Invariants.check(s != null, "abort of %s which is not prepared here", txn);
        queue.remove(s);
    }

    /** Removes and returns, in order, the committed transactions nothing prepared can precede any more. */
    public List<TxnId> takeDeliverable() {
        List<TxnId> out = new ArrayList<>();
        while (!queue.isEmpty() && queue.firstEntry().getValue()) {
            Slot s = queue.pollFirstEntry().getKey();
            slots.remove(s.txn());
            out.add(s.txn());
        }
        return out;
    }

    public int size() {
        return slots.size();
    }

    /** Prepared, undecided transactions, in id order. */
    public List<TxnId> undecided() {
        return slots.entrySet().stream().filter(e -> !queue.get(e.getValue())).map(java.util.Map.Entry::getKey).toList();
    }
}
