package io.replikv.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import io.replikv.sim.check.CheckResult.Verdict;
import io.replikv.sim.history.Operation;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Goal: the checker's verdict equals that of a naive search that tries every order of every subset
 * of the indefinite operations, with none of the checker's prunings, memo, passes or pre-check, on
 * small one-key histories of which about half are not linearizable (results of a linearizable
 * history swapped or changed at random). This is what keeps the prunings honest.
 */
class BruteForceAgreementProperties {

    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void checkerAgreesWithBruteForce(@ForAll long seed, @ForAll @IntRange(min = 1, max = 7) int operations) {
        Prng prng = new Prng(seed);
        var shape = new GeneratedHistories.Shape(operations, 1, 3, prng.between(0, 40), 0.3, 0.1);
        List<Operation> history = GeneratedHistories.linearizable(seed, shape);
        if (prng.chance(0.6)) history = mutated(history, prng);
        boolean expected = BruteForce.linearizable(history);
        CheckResult result = LinearizabilityChecker.check(history);
        assertThat(result.verdict()).as("seed %d\n%s\n%s", seed, String.join("\n",
                history.stream().map(HistoryFormat::line).toList()), result.report())
                .isEqualTo(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE);
    }

    /** Gives one Ok operation another result of its kind, taken from the history or made up. */
    private static List<Operation> mutated(List<Operation> history, Prng prng) {
        List<Integer> oks = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) if (history.get(i).outcome() instanceof Outcome.Ok) oks.add(i);
        if (oks.isEmpty()) return history;
        int victim = prng.pick(oks);
        Operation op = history.get(victim);
        Result other = switch (op.command()) {
            case Command.Get g -> prng.chance(0.2) ? Result.MISSING : new Result.Value(someValue(history, prng));
            case Command.PutHash h -> new Result.Value(someValue(history, prng));
            case Command.Append a -> new Result.Length(prng.between(0, 14));
            case Command.Delete d -> new Result.Count(prng.nextInt(2));
            case Command.Put p -> Result.WRITTEN;
        };
        List<Operation> out = new ArrayList<>(history);
        out.set(victim, new Operation(op.id(), op.client(), op.command(), op.callTime(), op.returnTime(), new Outcome.Ok(other)));
        return out;
    }

    private static Bytes someValue(List<Operation> history, Prng prng) {
        List<Bytes> seen = new ArrayList<>(List.of(Bytes.EMPTY));
        for (Operation op : history) {
            if (op.command() instanceof Command.Put p) seen.add(p.value());
            if (op.command() instanceof Command.Append a) seen.add(a.value());
            if (op.outcome() instanceof Outcome.Ok ok && ok.result() instanceof Result.Value v) seen.add(v.value());
        }
        return prng.pick(seen);
    }

    /** Every real-time-respecting order of the definite operations plus any subset of the indefinite ones. */
    static final class BruteForce {
        private final List<Operation> ops = new ArrayList<>();
        private final boolean[] placed;

        private BruteForce(List<Operation> history) {
            for (Operation op : history) if (!(op.outcome() instanceof Outcome.NotApplied)) ops.add(op);
            placed = new boolean[ops.size()];
        }

        static boolean linearizable(List<Operation> history) {
            return new BruteForce(history).search(null);
        }

        private boolean search(Bytes value) {
            boolean allDefinitePlaced = true;
            for (int i = 0; i < ops.size(); i++) if (!placed[i] && !ops.get(i).indefinite()) allDefinitePlaced = false;
            if (allDefinitePlaced) return true;
            for (int i = 0; i < ops.size(); i++) {
                if (placed[i] || !mayGoNext(i)) continue;
                Operation op = ops.get(i);
                KvModel.Step step = KvModel.apply(value, op.command());
                if (!op.indefinite() && !((Outcome.Ok) op.outcome()).result().equals(step.result())) continue;
                placed[i] = true;
                boolean found = search(step.next());
                placed[i] = false;
                if (found) return true;
            }
            return false;
        }

        /** No unplaced definite operation returned before this one was called. */
        private boolean mayGoNext(int i) {
            for (int j = 0; j < ops.size(); j++) {
                if (j != i && !placed[j] && !ops.get(j).indefinite() && ops.get(j).returnTime() < ops.get(i).callTime()) {
                    return false;
                }
            }
            return true;
        }
    }
}
