package io.replikv.server.check;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * What the nemesis of {@code replikv check} does next, decided without touching anything: every
 * round it picks a random node that is not already faulted and a random fault from the enabled
 * ones, and how long the fault lasts, or skips the round when one more fault would break the rule
 * for the mode ({@link #faultedMax}). Seeded, so the sequence of choices for a given sequence of
 * faulted sets repeats; the timing of a live cluster does not.
 */
final class NemesisPlan {
    /** What happens to a node, and how it is undone. */
    enum Fault {
        /** SIGKILL; undone by starting it again on the same data directory. */
        KILL,
        /** SIGSTOP; undone by SIGCONT. */
        PAUSE,
        /** SIGTERM (a graceful stop); undone by starting it again. */
        RESTART;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One fault: what, on whom, for how long. */
    record Step(Fault fault, String target, long durationMs) {}

    private final List<Fault> faults;
    private final List<String> targets;
    private final int faultedMax;
    private final long intervalMs;
    private final SplittableRandom random;

    NemesisPlan(Set<Fault> faults, List<String> targets, int faultedMax, long intervalMs, long seed) {
        if (intervalMs <= 0) throw new IllegalArgumentException("the nemesis interval must be positive: " + intervalMs);
        EnumSet<Fault> ordered = EnumSet.noneOf(Fault.class);
        ordered.addAll(faults);
        this.faults = List.copyOf(ordered); // enum order, whatever order they were given in
        this.targets = List.copyOf(targets);
        this.faultedMax = faultedMax;
        this.intervalMs = intervalMs;
        this.random = new SplittableRandom(seed);
    }

    /**
     * How many nodes may be faulted (down or paused) at once: for raft a minority, so a majority
     * can always elect and commit; one for the modes with a view service (pb, 2pc), whose view
     * changes one failure at a time, and for single, whose only node may go down (an outage, which
     * must not break linearizability either).
     */
    static int faultedMax(String mode, int nodes) {
        return mode.equals("raft") ? (nodes - 1) / 2 : 1;
    }

    /** The faults of {@code --nemesis}: a comma list of kill, pause, restart; or "none" (empty). */
    static Set<Fault> parse(String spec) {
        Set<Fault> set = EnumSet.noneOf(Fault.class);
        if (spec.trim().equals("none")) return set;
        for (String word : spec.split(",")) {
            String w = word.trim();
            try {
                set.add(Fault.valueOf(w.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--nemesis: unknown fault '" + w + "' (faults: kill, pause, restart; or none)");
            }
        }
        return set;
    }

    int faultedMax() {
        return faultedMax;
    }

    /**
     * The fault for this round, or empty (a skipped round) when nothing is enabled, or
     * {@code faulted} already holds {@link #faultedMax} nodes, or no target is left. A fault lasts
     * between half an interval and one and a half, so faults sometimes overlap and sometimes not.
     */
    Optional<Step> next(Set<String> faulted) {
        if (faults.isEmpty() || faulted.size() >= faultedMax) return Optional.empty();
        List<String> candidates = new ArrayList<>();
        for (String t : targets) if (!faulted.contains(t)) candidates.add(t);
        if (candidates.isEmpty()) return Optional.empty();
        String target = candidates.get(random.nextInt(candidates.size()));
        Fault fault = faults.get(random.nextInt(faults.size()));
        long durationMs = intervalMs / 2 + random.nextLong(intervalMs + 1);
        return Optional.of(new Step(fault, target, durationMs));
    }
}
