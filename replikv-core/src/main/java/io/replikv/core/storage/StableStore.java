package io.replikv.core.storage;

import io.replikv.core.util.Bytes;
import java.util.Optional;

/** Small named values that must survive a restart: term, vote, view number. */
public interface StableStore {
    Optional<Bytes> get(String key);

    void put(String key, Bytes value);
}
