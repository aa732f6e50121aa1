package io.replikv.server.cli;

import io.replikv.sim.check.CheckResult;
import io.replikv.sim.swarm.SeedResult;
import io.replikv.sim.swarm.SimMode;
import io.replikv.sim.swarm.SimModes;
import io.replikv.sim.swarm.Swarm;
import io.replikv.sim.swarm.SwarmSettings;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replikv simulate}: runs seeds of the swarm simulation (docs/simulation.md) of one mode
 * and reports the failing ones; or replays one seed, with its trace. Everything a seed does comes
 * from the seed; only the first seed of a run, when not given, is drawn here, at random, and printed.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs seeded whole-cluster simulations with random faults and checks every run.")
final class SimulateCommand implements Callable<Integer> {
    /** Longest failure reason printed on a seed's line, in characters; the replay shows the rest. */
    static final int REASON_CHARS_MAX = 240;

    /** On a terminal, the progress line is redrawn after this many seeds at most. */
    static final int PROGRESS_EVERY_SEEDS = 10;

    @Spec
    CommandSpec spec;

    @Option(names = "--mode", required = true, description = "Mode to simulate: single, pb, 2pc, raft.")
    String mode;

    @Option(names = "--seeds", defaultValue = "100", description = "How many seeds to run (default: ${DEFAULT-VALUE}).")
    long seeds;

    @Option(names = "--first-seed", description = "The first seed (default: drawn at random and printed).")
    Long firstSeed;

    @Option(names = "--seed", description = "Replay this one seed and print its verdict in full.")
    Long seed;

    @Option(names = "--trace", description = "With --seed: print the run's trace, one line per event, before the verdict.")
    boolean trace;

    @Option(names = "--ticks", defaultValue = "" + SwarmSettings.FAULT_TICKS_DEFAULT,
            description = "Ticks of faults per seed, before healing (default: ${DEFAULT-VALUE}).")
    long ticks;

    @Option(names = "--nodes", defaultValue = "0", description = "Servers per cluster (default: drawn per seed from the mode's sizes).")
    int nodes;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<SimMode> m = SimModes.byName(mode);
        if (m.isEmpty()) {
            err.println("replikv: no simulation of mode " + mode + "; modes: " + String.join(", ", SimModes.names()));
            return ExitCodes.USAGE;
        }
        if (seeds < 1 || ticks < 0 || nodes < 0 || (trace && seed == null)) {
            err.println("replikv: --seeds must be at least 1, --ticks and --nodes not negative; --trace needs --seed");
            return ExitCodes.USAGE;
        }
        if (mode.equals("single") && nodes > 1) {
            err.println("replikv: mode single runs exactly one server");
            return ExitCodes.USAGE;
        }
        return seed != null ? replay(m.get(), out) : runSeeds(m.get(), out);
    }

    private int replay(SimMode m, PrintWriter out) {
        SwarmSettings settings = new SwarmSettings(ticks, nodes,
                trace ? SwarmSettings.TRACE_LINES_REPLAY : SwarmSettings.TRACE_LINES_BULK);
        SeedResult r = Swarm.run(m, seed, settings);
        if (trace) out.print(r.trace().text());
        out.println("options: " + r.options().describe());
        out.println("trace: " + r.trace().count() + " lines, digest " + String.format("%016x", r.traceDigest())
                + "; " + r.ticks() + " ticks, " + r.history().size() + " operations");
        out.println(r.line());
        if (!r.passed()) out.println(r.failure().details());
        out.flush();
        return r.passed() ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private int runSeeds(SimMode m, PrintWriter out) {
        long first = firstSeed != null ? firstSeed : new SecureRandom().nextLong() & Long.MAX_VALUE;
        out.println("simulate: mode " + m.name() + ", " + seeds + " seeds from " + first
                + (firstSeed == null ? " (drawn at random)" : "") + ", " + ticks + " ticks of faults each");
        out.flush();
        boolean terminal = System.console() != null;
        SwarmSettings settings = SwarmSettings.bulk(ticks, nodes);
        long passed = 0;
        long failed = 0;
        long unknown = 0;
        long waived = 0;
        long startNanos = System.nanoTime();
        for (long i = 0; i < seeds; i++) {
            SeedResult r = Swarm.run(m, first + i, settings);
            if (r.passed()) {
                passed++;
                if (r.linearizability() != CheckResult.Verdict.LINEARIZABLE) unknown++;
                if (r.livenessWaived() != null) waived++;
            } else {
                failed++;
                if (terminal) out.print("\r\033[K");
                out.println(shorten(r.line()));
            }
            if (terminal && ((i + 1) % PROGRESS_EVERY_SEEDS == 0 || i + 1 == seeds)) {
                out.print("\rsimulate: " + (i + 1) + "/" + seeds + " seeds, " + failed + " failed");
            }
            out.flush();
        }
        if (terminal) out.print("\r\033[K");
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.println(String.format(Locale.ROOT, "simulate: %d seeds in %.1f s (%.1f seeds/s)", seeds, seconds, seeds / seconds));
        if (unknown > 0) out.println("simulate: " + unknown + " passing seeds had histories the checker could not decide (UNKNOWN)");
        if (waived > 0) {
            out.println("simulate: " + waived + " passing seeds ended where the mode's design cannot make progress;"
                    + " their liveness requirement was waived (docs/simulation.md)");
        }
        if (failed > 0) out.println("replay one: replikv simulate --mode " + m.name() + " --seed SEED --trace" + sizeArgs());
        out.println("simulate: " + passed + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    /** The options besides the seed that decide a run, for the replay hint. */
    private String sizeArgs() {
        String s = ticks != SwarmSettings.FAULT_TICKS_DEFAULT ? " --ticks " + ticks : "";
        return nodes > 0 ? s + " --nodes " + nodes : s;
    }

    private static String shorten(String line) {
        String oneLine = line.replace('\n', ' ');
        return oneLine.length() <= REASON_CHARS_MAX ? oneLine : oneLine.substring(0, REASON_CHARS_MAX) + "...";
    }
}
