package io.replikv.core.raft;

import io.replikv.core.util.Invariants;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-memory Raft log: entries {@link #firstIndex()}..{@link #lastIndex()}, preceded by the
 * snapshot that covers everything up to {@link #snapshotIndex()} (index 0, term 0 when there is no
 * snapshot). It is the core's copy of what the log store holds; the core keeps both in step by
 * emitting a persist op for every change it makes here.
 */
public final class RaftLog {
    /** {@link #term} of an index this log cannot say anything about (compacted away, or beyond the end). */
    public static final long UNKNOWN_TERM = -1;

    private long snapshotIndex;
    private long snapshotTerm;
    private final ArrayList<LogEntry> entries = new ArrayList<>();
    private long entryBytes;

    public RaftLog() {}

    public RaftLog(long snapshotIndex, long snapshotTerm, List<LogEntry> entries) {
        Invariants.check(snapshotIndex >= 0 && snapshotTerm >= 0, "bad snapshot base %d/%d", snapshotIndex, snapshotTerm);
        this.snapshotIndex = snapshotIndex;
        this.snapshotTerm = snapshotTerm;
        for (LogEntry e : entries) append(e);
    }

    public long snapshotIndex() {
        return snapshotIndex;
    }

    public long snapshotTerm() {
        return snapshotTerm;
    }

    public long firstIndex() {
        return snapshotIndex + 1;
    }

    public long lastIndex() {
        return snapshotIndex + entries.size();
    }

    public long lastTerm() {
        return term(lastIndex());
    }

    public int size() {
        return entries.size();
    }

    /** Payload bytes (plus per-entry overhead) of the entries held. */
    public long entryBytes() {
        return entryBytes;
    }

    /** The term of the entry at {@code index}; the snapshot's term at its index; {@link #UNKNOWN_TERM} elsewhere. */
    public long term(long index) {
        if (index == snapshotIndex) return snapshotTerm;
        if (index < snapshotIndex || index > lastIndex()) return UNKNOWN_TERM;
        return entries.get((int) (index - snapshotIndex - 1)).term();
    }

    public LogEntry entry(long index) {
        Invariants.check(index >= firstIndex() && index <= lastIndex(), "entry %d outside [%d, %d]",
                index, firstIndex(), lastIndex());
        return entries.get((int) (index - snapshotIndex - 1));
    }

    /** True when a log ending at ({@code lastIndex}, {@code lastTerm}) is at least as up to date as this one (§5.4.1). */
    public boolean isUpToDate(long otherLastIndex, long otherLastTerm) {
        return otherLastTerm > lastTerm() || (otherLastTerm == lastTerm() && otherLastIndex >= lastIndex());
    }

    /**
     * Entries from {@code from} on: at most {@code countMax}, and no more bytes than {@code bytesMax}
     * except that the first entry always goes, so an entry larger than the limit still moves.
     */
    public List<LogEntry> slice(long from, int countMax, long bytesMax) {
        Invariants.check(from >= firstIndex(), "slice from %d below first index %d", from, firstIndex());
        List<LogEntry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = from; i <= lastIndex() && out.size() < countMax; i++) {
            LogEntry e = entry(i);
            if (!out.isEmpty() && bytes + e.sizeBytes() > bytesMax) break;
            out.add(e);
            bytes += e.sizeBytes();
        }
        return out;
    }

    public void append(LogEntry e) {
        Invariants.check(e.term() >= lastTerm(), "entry of term %d after term %d", e.term(), lastTerm());
        entries.add(e);
        entryBytes += e.sizeBytes();
    }

    /** Drops the entries at and after {@code index}. */
    public void truncateFrom(long index) {
        Invariants.check(index >= firstIndex() && index <= lastIndex() + 1, "truncate at %d outside [%d, %d]",
                index, firstIndex(), lastIndex() + 1);
        List<LogEntry> tail = entries.subList((int) (index - snapshotIndex - 1), entries.size());
        for (LogEntry e : tail) entryBytes -= e.sizeBytes();
        tail.clear();
    }

    /**
     * Makes a snapshot at ({@code index}, {@code term}) the base of the log. Entries after it are
     * kept when the log holds {@code index} with that term (they extend the snapshot); otherwise
     * the whole log is dropped (thesis §5.3, InstallSnapshot step 6 and 7).
     */
    public void compact(long index, long term) {
        Invariants.check(index >= snapshotIndex, "compaction at %d below snapshot %d", index, snapshotIndex);
        if (term(index) == term && index <= lastIndex()) {
            List<LogEntry> head = entries.subList(0, (int) (index - snapshotIndex));
            for (LogEntry e : head) entryBytes -= e.sizeBytes();
            head.clear();
        } else {
            entries.clear();
            entryBytes = 0;
        }
        snapshotIndex = index;
        snapshotTerm = term;
    }

    /** The first index of the run of entries that share {@code index}'s term (not below the first index). */
    public long firstIndexOfTermAt(long index) {
        long term = term(index);
        Invariants.check(term != UNKNOWN_TERM, "no term known at %d", index);
        long i = index;
        while (i - 1 >= firstIndex() && term(i - 1) == term) i--;
        return i;
    }

    /** The last index holding an entry of {@code term}, or -1 when no held entry (or the snapshot) has it. */
    public long lastIndexOfTerm(long term) {
        for (long i = lastIndex(); i >= snapshotIndex; i--) {
            long t = term(i);
            if (t == term) return i;
            if (t < term) return -1; // terms never decrease along the log
        }
        return -1;
    }
}
