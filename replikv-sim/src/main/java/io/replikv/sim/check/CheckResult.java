package io.replikv.sim.check;

import java.util.List;
import java.util.Optional;

/**
 * The linearizability checker's answer for a whole history: the verdict and one {@link KeyResult}
 * per key, in key order.
 *
 * @param statesExplored states the search stored over all keys (what {@link Budget#statesTotalMax} counts)
 */
public record CheckResult(Verdict verdict, List<KeyResult> keys, long statesExplored) {
    public enum Verdict {
        /** Every key's subhistory is linearizable, so the whole history is. */
        LINEARIZABLE,
        /** At least one key's subhistory is not linearizable: a real violation, whatever the other keys say. */
        NOT_LINEARIZABLE,
        /** No violation was found, but the budget ran out on at least one key: nothing is proven. */
        UNKNOWN
    }

    public CheckResult {
        keys = List.copyOf(keys);
    }

    /** Combines per-key results: any violation makes the history not linearizable; else any unknown makes it unknown. */
    public static CheckResult of(List<KeyResult> keys, long statesExplored) {
        Verdict verdict = Verdict.LINEARIZABLE;
        for (KeyResult k : keys) {
            if (k instanceof KeyResult.Violation) return new CheckResult(Verdict.NOT_LINEARIZABLE, keys, statesExplored);
            if (k instanceof KeyResult.Unknown) verdict = Verdict.UNKNOWN;
        }
        return new CheckResult(verdict, keys, statesExplored);
    }

    public boolean linearizable() {
        return verdict == Verdict.LINEARIZABLE;
    }

    /** The first key (in key order) whose subhistory is not linearizable, if any. */
    public Optional<KeyResult.Violation> violation() {
        return violations().stream().findFirst();
    }

    public List<KeyResult.Violation> violations() {
        return keys.stream().filter(k -> k instanceof KeyResult.Violation)
                .map(k -> (KeyResult.Violation) k).toList();
    }

    /** One line: the verdict and how many keys ended which way. */
    public String summary() {
        long bad = keys.stream().filter(k -> k instanceof KeyResult.Violation).count();
        long unknown = keys.stream().filter(k -> k instanceof KeyResult.Unknown).count();
        return verdict + ": " + keys.size() + " keys (" + (keys.size() - bad - unknown) + " linearizable, "
                + bad + " not linearizable, " + unknown + " unknown), " + statesExplored + " states explored";
    }

    /** The summary, then the report of the first violation, or the reasons of the unknown keys. */
    public String report() {
        StringBuilder out = new StringBuilder(summary()).append('\n');
        Optional<KeyResult.Violation> violation = violation();
        if (violation.isPresent()) {
            out.append(violation.get().report());
            int others = violations().size() - 1;
            if (others > 0) out.append("(and ").append(others).append(" more keys are not linearizable)\n");
            return out.toString();
        }
        for (KeyResult k : keys) {
            if (k instanceof KeyResult.Unknown u) {
                out.append("UNKNOWN on key ").append(HistoryFormat.value(u.key())).append(": ").append(u.reason()).append('\n');
            }
        }
        return out.toString();
    }
}
