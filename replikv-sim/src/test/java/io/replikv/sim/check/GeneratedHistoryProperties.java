package io.replikv.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.sim.check.CheckResult.Verdict;
import io.replikv.sim.history.Operation;
import java.util.List;
import net.jqwik.api.Assume;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * Goal: the checker accepts every history a sequential store can produce however its intervals
 * overlap (no false alarms), and rejects it again once a single read claims a value that was never
 * written (it looks at every read). Plus a sanity check that a few thousand operations with
 * moderate concurrency fit in the default budget. Histories come from GeneratedHistories; a
 * failure prints the generator seed, which replays it.
 */
class GeneratedHistoryProperties {

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void everyGeneratedLinearizableHistoryIsAccepted(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 250) int operations,
            @ForAll @IntRange(min = 1, max = 4) int keys,
            @ForAll @LongRange(min = 0, max = 60) long spreadTicks) {
        var shape = new GeneratedHistories.Shape(operations, keys, 6, spreadTicks, 0.1, 0.05);
        List<Operation> history = GeneratedHistories.linearizable(seed, shape);
        CheckResult result = LinearizabilityChecker.check(history);
        assertThat(result.verdict()).as("seed %d, %s\n%s", seed, shape, result.report()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void oneReadOfANeverWrittenValueIsRejected(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 250) int operations,
            @ForAll @IntRange(min = 1, max = 4) int keys,
            @ForAll @LongRange(min = 0, max = 60) long spreadTicks) {
        var shape = new GeneratedHistories.Shape(operations, keys, 6, spreadTicks, 0.1, 0.05);
        List<Operation> mutated = GeneratedHistories.withOneReadOfANeverWrittenValue(
                GeneratedHistories.linearizable(seed, shape), seed);
        Assume.that(mutated != null);
        CheckResult result = LinearizabilityChecker.check(mutated);
        assertThat(result.verdict()).as("seed %d, %s\n%s", seed, shape, result.report())
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.violation().orElseThrow().report()).contains(GeneratedHistories.NEVER_WRITTEN.toString());
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void oneReadFromTheFutureIsRejected(@ForAll long seed,
            @ForAll @IntRange(min = 2, max = 250) int operations,
            @ForAll @IntRange(min = 1, max = 4) int keys,
            @ForAll @LongRange(min = 0, max = 60) long spreadTicks) {
        var shape = new GeneratedHistories.Shape(operations, keys, 6, spreadTicks, 0.1, 0.05);
        List<Operation> mutated = GeneratedHistories.withOneReadFromTheFuture(
                GeneratedHistories.linearizable(seed, shape), seed);
        Assume.that(mutated != null);
        CheckResult result = LinearizabilityChecker.check(mutated);
        assertThat(result.verdict()).as("seed %d, %s\n%s", seed, shape, result.report())
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void fewThousandOperationsOverAHandfulOfKeysFitTheDefaultBudget() {
        // about 2 * 40 / 10 = 8 operations overlap each one; 5% indefinite, 5% not applied
        var shape = new GeneratedHistories.Shape(4000, 5, 8, 40, 0.05, 0.05);
        long seed = 20261121;
        CheckResult result = LinearizabilityChecker.check(GeneratedHistories.linearizable(seed, shape));
        assertThat(result.verdict()).as("seed %d: %s", seed, result.report()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void fewThousandOperationsWithOneReadOfANeverWrittenValueAreRejectedWithinTheDefaultBudget() {
        var shape = new GeneratedHistories.Shape(4000, 5, 8, 40, 0.05, 0.05);
        long seed = 77;
        CheckResult result = LinearizabilityChecker.check(GeneratedHistories.withOneReadOfANeverWrittenValue(
                GeneratedHistories.linearizable(seed, shape), seed));
        assertThat(result.verdict()).as("seed %d: %s", seed, result.summary()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void fewThousandOperationsWithOneReadFromTheFutureAreRejectedWithinTheDefaultBudget() {
        // the search has to prove this one: every order up to the bad read fails
        var shape = new GeneratedHistories.Shape(4000, 5, 8, 40, 0.02, 0.05);
        long seed = 78;
        CheckResult result = LinearizabilityChecker.check(GeneratedHistories.withOneReadFromTheFuture(
                GeneratedHistories.linearizable(seed, shape), seed));
        assertThat(result.verdict()).as("seed %d: %s", seed, result.summary()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.violation().orElseThrow().report()).contains("Longest linearizable prefix found");
    }
}
