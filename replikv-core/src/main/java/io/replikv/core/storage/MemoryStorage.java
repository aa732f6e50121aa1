package io.replikv.core.storage;

import io.replikv.core.util.Bytes;
import io.replikv.core.util.Invariants;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** Storage in memory: every write is "durable" at once. The in-memory twin of the on-disk stores. */
public final class MemoryStorage implements Storage, StableStore, LogStore, SnapshotStore {
    private final TreeMap<String, Bytes> stable = new TreeMap<>();
    private final ArrayList<Bytes> entries = new ArrayList<>();
    private long firstIndex = 1;
    private Snapshot snapshot;

    @Override public StableStore stable() { return this; }
    @Override public LogStore log() { return this; }
    @Override public SnapshotStore snapshots() { return this; }
    @Override public void sync() {}

    @Override
    public Optional<Bytes> get(String key) {
        return Optional.ofNullable(stable.get(key));
    }

    @Override
    public void put(String key, Bytes value) {
        stable.put(key, value);
    }

    /** Every stable value, in key order (read-only): for a store that must be listed whole. */
    public java.util.SortedMap<String, Bytes> stableValues() {
        return java.util.Collections.unmodifiableSortedMap(stable);
    }

    @Override
    public long firstIndex() {
        return firstIndex;
    }

    @Override
    public long lastIndex() {
        return firstIndex + entries.size() - 1;
    }

    @Override
    public Bytes entry(long index) {
        Invariants.check(index >= firstIndex && index <= lastIndex(), "log entry %d outside [%d, %d]",
                index, firstIndex, lastIndex());
        return entries.get((int) (index - firstIndex));
    }

    @Override
    public void append(long fromIndex, List<Bytes> newEntries) {
        Invariants.check(fromIndex >= firstIndex && fromIndex <= lastIndex() + 1,
                "append at %d outside [%d, %d]", fromIndex, firstIndex, lastIndex() + 1);
        int keep = (int) (fromIndex - firstIndex);
        entries.subList(keep, entries.size()).clear();
        entries.addAll(newEntries);
    }

    @Override
    public void compact(long throughIndex) {
        if (throughIndex < firstIndex) return;
        if (throughIndex >= lastIndex()) {
            entries.clear();
        } else {
            entries.subList(0, (int) (throughIndex - firstIndex + 1)).clear();
        }
        firstIndex = throughIndex + 1;
    }

    @Override
    public Optional<Snapshot> latest() {
        return Optional.ofNullable(snapshot);
    }

    @Override
    public void save(Snapshot s) {
        snapshot = s;
    }

    /** A deep copy: the simulator uses it to keep the synced state of a disk apart from its volatile state. */
    public MemoryStorage copy() {
        MemoryStorage c = new MemoryStorage();
        c.stable.putAll(stable);
        c.entries.addAll(entries);
        c.firstIndex = firstIndex;
        c.snapshot = snapshot;
        return c;
    }
}
