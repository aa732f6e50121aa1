package io.replikv.core.twophase;

import io.replikv.core.NodeId;
import java.util.Comparator;

/**
 * A transaction: the view it runs in, its coordinator, and the coordinator's attempt number (a
 * retried write gets a new id). Carrying the view means a message of an older view is recognised
 * and refused; ordering by (view, coordinator, seq) breaks commit-timestamp ties identically on
 * every replica.
 */
public record TxnId(long view, NodeId coordinator, long seq) implements Comparable<TxnId> {
    private static final Comparator<TxnId> ORDER = Comparator.comparingLong(TxnId::view)
            .thenComparing(TxnId::coordinator).thenComparingLong(TxnId::seq);

    @Override
    public int compareTo(TxnId o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return "t" + view + "." + coordinator + "." + seq;
    }
}
