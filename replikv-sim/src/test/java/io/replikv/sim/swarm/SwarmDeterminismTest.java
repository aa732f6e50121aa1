package io.replikv.sim.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Goal: a seed is a run — the same seed replays to the same trace (digest and line count), the
 * same history and the same verdict, and another seed gives another run.
 */
class SwarmDeterminismTest {
    static Stream<String> modes() {
        return SimModes.names().stream();
    }

    @ParameterizedTest
    @MethodSource("modes")
    void theSameSeedReplaysExactly(String mode) {
        SimMode m = SimModes.byName(mode).orElseThrow();
        SwarmSettings settings = SwarmSettings.bulk(1_000, 0);
        for (long seed : new long[] {7, 8}) {
            SeedResult a = Swarm.run(m, seed, settings);
            SeedResult b = Swarm.run(m, seed, settings);
            assertThat(b.traceDigest()).as("trace digest of seed %d", seed).isEqualTo(a.traceDigest());
            assertThat(b.trace().count()).isEqualTo(a.trace().count());
            assertThat(b.history()).isEqualTo(a.history());
            assertThat(b.line()).isEqualTo(a.line());
            assertThat(a.history()).as("the run did something").hasSizeGreaterThan(5);
        }
        assertThat(Swarm.run(m, 7, settings).traceDigest()).isNotEqualTo(Swarm.run(m, 8, settings).traceDigest());
    }

    static Stream<String> durableModes() {
        return Stream.of("pb", "2pc", "raft");
    }

    /**
     * A seed with a whole-cluster crash and a disk fault replays exactly too: the crash, the
     * damaged record, the refused restart and the wipe (or the server left down) come from the seed.
     */
    @ParameterizedTest
    @MethodSource("durableModes")
    void aSeedWithAWholeClusterCrashAndADiskFaultReplaysExactly(String mode) {
        SimMode m = SimModes.byName(mode).orElseThrow();
        SwarmSettings settings = SwarmSettings.bulk(1_000, 0);
        long seed = Stream.iterate(1L, s -> s + 1)
                .filter(s -> SwarmOptions.draw(m, s, 0).wholeCrashes() > 0 && SwarmOptions.draw(m, s, 0).diskFault())
                .findFirst().orElseThrow();
        SeedResult a = Swarm.run(m, seed, settings);
        SeedResult b = Swarm.run(m, seed, settings);
        assertThat(a.passed()).as(a.line()).isTrue();
        assertThat(a.faults()).as("seed %d", seed).contains("whole-crashes=").contains("disk-faults=1");
        // the refused restart was followed by the mode's remedy (pb, 2pc) or left the server down (raft)
        assertThat(a.faults()).containsAnyOf("wipes=1", "down-for-good=1");
        assertThat(b.traceDigest()).as("trace digest of seed %d", seed).isEqualTo(a.traceDigest());
        assertThat(b.history()).isEqualTo(a.history());
        assertThat(b.line()).isEqualTo(a.line());
    }

    @ParameterizedTest
    @MethodSource("modes")
    void theOptionsComeFromTheSeed(String mode) {
        SimMode m = SimModes.byName(mode).orElseThrow();
        assertThat(SwarmOptions.draw(m, 42, 0)).isEqualTo(SwarmOptions.draw(m, 42, 0));
        long distinct = Stream.iterate(1L, s -> s + 1).limit(20).map(s -> SwarmOptions.draw(m, s, 0).describe()).distinct().count();
        assertThat(distinct).as("twenty seeds, twenty fault mixes").isEqualTo(20);
    }
}
