package io.replikv.core.storage;

/**
 * A node's durable state: stable values, the log, the latest snapshot. Cores read it only when
 * they are constructed (recovery) and write it only through {@link PersistOp}s in their effects;
 * the shell applies those with {@link #apply} and makes them durable with {@link #sync}.
 * Implementations: {@link MemoryStorage} (durable at once), the simulator's disk (loses what was
 * not synced when the node crashes), and the runtime's files.
 */
public interface Storage {
    StableStore stable();

    LogStore log();

    SnapshotStore snapshots();

    /** Applies one write; it may stay volatile until {@link #sync}. */
    default void apply(PersistOp op) {
        switch (op) {
            case PersistOp.PutStable p -> stable().put(p.key(), p.value());
            case PersistOp.AppendLog a -> log().append(a.fromIndex(), a.entries());
            case PersistOp.CompactLog c -> log().compact(c.throughIndex());
            case PersistOp.SaveSnapshot s -> snapshots().save(s.snapshot());
        }
    }

    /** Makes every write applied so far durable. */
    void sync();
}
