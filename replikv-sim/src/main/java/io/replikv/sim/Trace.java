package io.replikv.sim;

import io.replikv.core.util.Invariants;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The simulator's event log: one compact line per event ({@code tick kind detail}), kept in
 * memory. Only the last {@link #linesMax()} lines are kept; a 64-bit FNV-1a digest and a count
 * cover every line ever added, so two long runs can still be compared exactly.
 */
public final class Trace {
    /** Lines kept by default: enough for the tail of any scenario, at most some tens of MB. */
    public static final int LINES_MAX_DEFAULT = 200_000;

    private static final long FNV64_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV64_PRIME = 0x100000001b3L;

    private final int linesMax;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private long count;
    private long digest = FNV64_OFFSET;

    public Trace(int linesMax) {
        Invariants.check(linesMax > 0, "trace must keep at least one line: %d", linesMax);
        this.linesMax = linesMax;
    }

    void add(long tick, String kind, String detail) {
        String line = tick + " " + kind + " " + detail;
        for (int i = 0; i < line.length(); i++) digest = (digest ^ line.charAt(i)) * FNV64_PRIME;
        digest = (digest ^ '\n') * FNV64_PRIME;
        count++;
        if (lines.size() == linesMax) lines.removeFirst();
        lines.addLast(line);
    }

    public int linesMax() {
        return linesMax;
    }

    /** How many lines were ever added (kept or not). */
    public long count() {
        return count;
    }

    /** True when early lines were dropped to respect {@link #linesMax()}. */
    public boolean truncated() {
        return count > lines.size();
    }

    /** A digest of every line ever added, in order. */
    public long digest() {
        return digest;
    }

    /** The kept lines, oldest first. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The last {@code n} kept lines, oldest first. */
    public List<String> tail(int n) {
        List<String> all = lines();
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    /** The kept lines joined with newlines (with a note when early lines were dropped). */
    public String text() {
        StringBuilder b = new StringBuilder();
        if (truncated()) b.append("... ").append(count - lines.size()).append(" earlier lines dropped\n");
        for (String line : lines) b.append(line).append('\n');
        return b.toString();
    }

    @Override
    public String toString() {
        return text();
    }
}
