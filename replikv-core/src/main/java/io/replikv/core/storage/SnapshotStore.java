package io.replikv.core.storage;

import java.util.Optional;

/** The latest durable snapshot of the state machine. */
public interface SnapshotStore {
    Optional<Snapshot> latest();

    void save(Snapshot snapshot);
}
