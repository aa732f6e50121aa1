package io.replikv.sim.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Goal: the swarm in CI — a few hundred seeds of every mode, each a whole cluster under a fault
 * mix drawn from its seed, checked for safety after every tick, liveness after healing and
 * linearizability of the whole history. A failure lists every failing seed with its one-line
 * reason; replay one with {@code replikv simulate --mode MODE --seed SEED --trace}.
 *
 * <p>Longer runs (docs/simulation.md): {@code -Dreplikv.swarm.seeds=5000}, and optionally
 * {@code -Dreplikv.swarm.first=S} and {@code -Dreplikv.swarm.ticks=T}.
 */
class SwarmSeedsTest {
    /** Seeds per mode in CI: the four modes take about 20 s on the 2-core machine when it is quiet, under 2 minutes when it is shared. */
    static final int SEEDS_DEFAULT = 400;

    /**
     * At most one seed in this many may end stuck by design: pb's measured rate was about one in 25,
     * and is 11 to 19 in 2,000 with whole-cluster crashes and disk faults (docs/simulation.md).
     */
    static final int WAIVED_PER_SEEDS_MAX = 10;

    static Stream<String> modes() {
        return SimModes.names().stream();
    }

    @ParameterizedTest
    @MethodSource("modes")
    void everySeedPasses(String mode) {
        int seeds = Integer.getInteger("replikv.swarm.seeds", SEEDS_DEFAULT);
        long first = Long.getLong("replikv.swarm.first", 1);
        long ticks = Long.getLong("replikv.swarm.ticks", SwarmSettings.FAULT_TICKS_DEFAULT);
        SimMode m = SimModes.byName(mode).orElseThrow();
        SwarmSettings settings = SwarmSettings.bulk(ticks, 0);
        List<String> failures = new ArrayList<>();
        long operations = 0;
        long waived = 0;
        for (long seed = first; seed < first + seeds; seed++) {
            SeedResult r = Swarm.run(m, seed, settings);
            operations += r.history().size();
            if (r.livenessWaived() != null) waived++;
            if (!r.passed()) failures.add(r.line());
        }
        assertThat(failures).as("failing seeds of mode %s (replay: replikv simulate --mode %s --seed SEED --trace%s)",
                mode, mode, ticks == SwarmSettings.FAULT_TICKS_DEFAULT ? "" : " --ticks " + ticks).isEmpty();
        // the seeds did run a workload (a swarm that does nothing passes everything)
        assertThat(operations).isGreaterThan(10L * seeds);
        // a waiver (pb's view service stuck by design) stays the exception, or the swarm proves little
        assertThat(waived).as("seeds whose liveness was waived").isLessThanOrEqualTo(seeds / WAIVED_PER_SEEDS_MAX);
    }
}
