package io.replikv.core.twophase;

import io.replikv.core.NodeId;
import io.replikv.core.util.Invariants;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which transactions of the current view a participant has already seen, so a duplicated or
 * late Prepare of a transaction that was already committed or aborted is refused instead of
 * locking the key again (and, for a committed one, applying twice). Per coordinator: every
 * sequence number below a low mark counts as seen, plus a bounded set above it. When the set is
 * full the low mark rises past its oldest entry: a very late Prepare is then refused (a spurious
 * abort the coordinator retries), never accepted twice.
 */
public final class TxnMemory {
    /**
     * Seen sequence numbers kept above the low mark, per coordinator. A coordinator runs at most
     * {@link TwoPcConfig#coordinatedTxnsMax} transactions at once, so gaps (lost Prepares) beyond
     * this many are long dead.
     */
    public static final int SEEN_ABOVE_MARK_MAX = 4096;

    private static final class PerCoordinator {
        long below = 1;
        final TreeSet<Long> above = new TreeSet<>();
    }

    private final TreeMap<NodeId, PerCoordinator> coordinators = new TreeMap<>();
    private final long view;

    public TxnMemory(long view) {
        this.view = view;
    }

    public long view() {
        return view;
    }

    public boolean seen(TxnId txn) {
        Invariants.check(txn.view() == view, "txn %s asked of the memory of view %d", txn, view);
        PerCoordinator c = coordinators.get(txn.coordinator());
        return c != null && (txn.seq() < c.below || c.above.contains(txn.seq()));
    }

    public void remember(TxnId txn) {
        Invariants.check(txn.view() == view, "txn %s remembered in view %d", txn, view);
        PerCoordinator c = coordinators.computeIfAbsent(txn.coordinator(), k -> new PerCoordinator());
        if (txn.seq() < c.below) return;
        c.above.add(txn.seq());
        while (!c.above.isEmpty() && c.above.first() == c.below) {
            c.above.pollFirst();
            c.below++;
        }
        while (c.above.size() > SEEN_ABOVE_MARK_MAX) c.below = c.above.pollFirst() + 1;
        while (!c.above.isEmpty() && c.above.first() < c.below) c.above.pollFirst();
    }

    /** How many sequence numbers are held above the low marks, for status. */
    public int size() {
        return coordinators.values().stream().mapToInt(c -> c.above.size()).sum();
    }
}
