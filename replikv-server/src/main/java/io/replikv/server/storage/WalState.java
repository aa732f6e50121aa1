package io.replikv.server.storage;

import io.replikv.core.util.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What the write-ahead log says, in memory: the stable values and the log entries, with the same
 * meaning as {@link io.replikv.core.storage.MemoryStorage}. During replay an entry may be unknown
 * (null) for a while: its record was in a segment deleted after compaction, and a later compaction
 * record drops it; replay fails if one is still unknown at the end.
 */
final class WalState {
    final TreeMap<String, Bytes> stable = new TreeMap<>();
    final ArrayList<Bytes> entries = new ArrayList<>();
    long firstIndex = 1;

    long lastIndex() {
        return firstIndex + entries.size() - 1;
    }

    Bytes entry(long index) {
        return entries.get((int) (index - firstIndex));
    }

    WalRecord.SegmentStart start(long sequence) {
        return new WalRecord.SegmentStart(sequence, firstIndex, lastIndex(), stable);
    }

    /** Starts replay from a segment's start record; entries before it are unknown. Null, or why it cannot. */
    String begin(WalRecord.SegmentStart s) {
        if (s.firstIndex() < 1 || s.lastIndex() < s.firstIndex() - 1) {
            return "start record has a bad log range [" + s.firstIndex() + ", " + s.lastIndex() + "]";
        }
        if (s.lastIndex() - s.firstIndex() + 1 > Integer.MAX_VALUE - 8) return "start record has an impossible log range";
        stable.clear();
        stable.putAll(s.stable());
        firstIndex = s.firstIndex();
        entries.clear();
        for (long i = s.firstIndex(); i <= s.lastIndex(); i++) entries.add(null);
        return null;
    }

    /** Null when {@code r} may follow the state so far, else why not. */
    String check(WalRecord r) {
        return switch (r) {
            case WalRecord.SegmentStart s -> s.firstIndex() == firstIndex && s.lastIndex() == lastIndex() && s.stable().equals(stable)
                    ? null : "start record [" + s.firstIndex() + ", " + s.lastIndex() + "] disagrees with the segments before it ["
                    + firstIndex + ", " + lastIndex() + "]";
            case WalRecord.AppendLog a -> a.fromIndex() >= firstIndex && a.fromIndex() <= lastIndex() + 1 ? null
                    : "append at index " + a.fromIndex() + " outside [" + firstIndex + ", " + (lastIndex() + 1) + "]";
            case WalRecord.PutStable p -> null;
            case WalRecord.CompactLog c -> null;
        };
    }

    void apply(WalRecord r) {
        switch (r) {
            case WalRecord.SegmentStart s -> { } // checked to agree: nothing changes
            case WalRecord.PutStable p -> stable.put(p.key(), p.value());
            case WalRecord.AppendLog a -> append(a.fromIndex(), a.entries());
            case WalRecord.CompactLog c -> compact(c.throughIndex());
        }
    }

    void append(long fromIndex, List<Bytes> newEntries) {
        int keep = (int) (fromIndex - firstIndex);
        entries.subList(keep, entries.size()).clear();
        entries.addAll(newEntries);
    }

    void compact(long throughIndex) {
        if (throughIndex < firstIndex) return;
        if (throughIndex >= lastIndex()) {
            entries.clear();
        } else {
            entries.subList(0, (int) (throughIndex - firstIndex + 1)).clear();
        }
        firstIndex = throughIndex + 1;
    }

    /** The first index in the log whose entry is unknown, or -1. */
    long firstUnknown() {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) == null) return firstIndex + i;
        }
        return -1;
    }

    long lastUnknown() {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i) == null) return firstIndex + i;
        }
        return -1;
    }
}
