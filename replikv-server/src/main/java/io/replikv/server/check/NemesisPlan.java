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
 * round it picks a random process that is not already faulted and a random fault from the enabled
 * ones, and how long the fault lasts, or skips the round when one more fault would break the rule
 * for the mode ({@link #faultedMax}) — or, for the members of a replicated view service, the rule
 * that a majority of them stays up ({@link #groups}). Seeded, so the sequence of choices for a given sequence of
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

    /**
     * Processes that may be faulted together up to a limit of their own: the nodes, and the members
     * of a replicated view service (a minority of which may be down without stopping it).
     */
    record Group(List<String> targets, int faultedMax) {
        Group {
            targets = List.copyOf(targets);
        }

        int faulted(Set<String> faulted) {
            int n = 0;
            for (String t : targets) if (faulted.contains(t)) n++;
            return n;
        }
    }

    private final List<Fault> faults;
    private final List<Group> groups;
    private final long intervalMs;
    private final SplittableRandom random;

    /** One group: {@code targets}, at most {@code faultedMax} of them faulted at once. */
    NemesisPlan(Set<Fault> faults, List<String> targets, int faultedMax, long intervalMs, long seed) {
        this(faults, List.of(new Group(targets, faultedMax)), intervalMs, seed);
    }

    NemesisPlan(Set<Fault> faults, List<Group> groups, long intervalMs, long seed) {
        if (intervalMs <= 0) throw new IllegalArgumentException("the nemesis interval must be positive: " + intervalMs);
        EnumSet<Fault> ordered = EnumSet.noneOf(Fault.class);
        ordered.addAll(faults);
        this.faults = List.copyOf(ordered); // enum order, whatever order they were given in
        this.groups = List.copyOf(groups);
        this.intervalMs = intervalMs;
        this.random = new SplittableRandom(seed);
    }

    /**
     * The groups of a cluster: its nodes, limited by {@link #faultedMax}, and the members of a
     * replicated view service (3 or more), of which a minority at most, so that the service always
     * has a majority to elect a leader and decide views. A single view service is never faulted:
     * while it is down no view can change, so a node fault at the same time would stall the cluster
     * until the end of the fault, which tests nothing new.
     */
    static List<Group> groups(String mode, List<String> nodes, List<String> viewServiceMembers) {
        List<Group> groups = new ArrayList<>();
        groups.add(new Group(nodes, faultedMax(mode, nodes.size())));
        if (viewServiceMembers.size() >= 3) groups.add(new Group(viewServiceMembers, (viewServiceMembers.size() - 1) / 2));
        return groups;
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

    /** The limits, for the log of a skipped round: "1 of n1,n2,n3; 1 of vs1,vs2,vs3". */
    String limits() {
        List<String> parts = new ArrayList<>();
        for (Group g : groups) parts.add(g.faultedMax() + " of " + String.join(",", g.targets()));
        return String.join("; ", parts);
    }

    /**
     * The fault for this round, or empty (a skipped round) when nothing is enabled, or every group
     * already has its limit of faulted processes in {@code faulted}, or no target is left. A fault
     * lasts between half an interval and one and a half, so faults sometimes overlap and sometimes not.
     */
    Optional<Step> next(Set<String> faulted) {
        if (faults.isEmpty()) return Optional.empty();
        List<String> candidates = new ArrayList<>();
        for (Group g : groups) {
            if (g.faulted(faulted) >= g.faultedMax()) continue;
            for (String t : g.targets()) if (!faulted.contains(t)) candidates.add(t);
        }
        if (candidates.isEmpty()) return Optional.empty();
        String target = candidates.get(random.nextInt(candidates.size()));
        Fault fault = faults.get(random.nextInt(faults.size()));
        long durationMs = intervalMs / 2 + random.nextLong(intervalMs + 1);
        return Optional.of(new Step(fault, target, durationMs));
    }
}
