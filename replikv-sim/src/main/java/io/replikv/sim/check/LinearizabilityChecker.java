package io.replikv.sim.check;

import io.replikv.core.client.Outcome;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.kv.Result;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Invariants;
import io.replikv.sim.history.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a history of KV operations for linearizability: is there one order of the operations,
 * consistent with real time (an operation that returned before another was called comes first),
 * in which every acknowledged operation returns what the sequential KV model returns? Every key
 * starts absent.
 *
 * <p>Per key. Every command names exactly one key and the KV model is a product of independent
 * per-key models (no command reads or writes two keys), so by the locality of linearizability
 * (Herlihy and Wing 1990, Theorem 1) the history is linearizable if and only if each key's
 * subhistory is: per-key linearizations can be merged into one for the whole history because they
 * all respect the same real-time order, and operations on different keys commute. Checking keys
 * apart turns one search over n operations into several small ones, which is what makes it fast.
 *
 * <p>What is left out before the search, and why that is exact:
 * <ul>
 *   <li>{@link Outcome.NotApplied}: it certainly never took effect, so it is not in any order.</li>
 *   <li>An Ok whose result is a session-table refusal (expired session, stale request): it changed
 *       nothing, and whether it is refused depends on the client's session, which the per-key model
 *       does not see. Refusals the model can produce (a too-large value) stay and are compared.</li>
 *   <li>An indefinite Get (Unknown, or never returned): a read changes nothing and nobody saw its
 *       result, so any order of the other operations stays valid with the read anywhere in it.</li>
 * </ul>
 * Indefinite writes stay: they may take effect at any instant after their call, or never, and
 * their results are not compared (see {@link KeySearch}).
 *
 * <p>The search is Wing–Gong/Lowe with memoization, bounded by a {@link Budget}: a key whose
 * search runs out is UNKNOWN, never a hang and never a false verdict.
 */
public final class LinearizabilityChecker {
    private LinearizabilityChecker() {}

    /**
     * How KvStateMachine words a stale-request refusal ("stale request 3: this session already
     * applied 5"); LinearizabilityCheckerTest holds the two together.
     */
    static final String STALE_REQUEST_PREFIX = KvStateMachine.STALE_REQUEST;

    public static CheckResult check(List<Operation> history) {
        return check(history, Budget.DEFAULT);
    }

    public static CheckResult check(List<Operation> history, Budget budget) {
        TreeSet<Long> ids = new TreeSet<>();
        TreeMap<Bytes, List<Operation>> byKey = new TreeMap<>();
        for (Operation op : history) {
            Invariants.check(ids.add(op.id()), "operation id %d appears twice in the history", op.id());
            byKey.computeIfAbsent(op.command().key(), k -> new ArrayList<>()).add(op);
        }
        List<KeyResult> results = new ArrayList<>(byKey.size());
        long used = 0;
        for (Map.Entry<Bytes, List<Operation>> e : byKey.entrySet()) {
            List<Operation> ops = new ArrayList<>(e.getValue());
            ops.sort(Comparator.comparingLong(Operation::callTime).thenComparingLong(Operation::id));
            long left = budget.statesTotalMax() - used;
            if (left <= 0) {
                results.add(new KeyResult.Unknown(e.getKey(), ops.size(), 0,
                        "not searched: earlier keys spent the whole budget of " + budget.statesTotalMax()
                                + " states (Budget.statesTotalMax)"));
                continue;
            }
            boolean perKeyBinds = budget.statesPerKeyMax() <= left;
            KeySearch search = new KeySearch(e.getKey(), ops, leftOut(ops),
                    perKeyBinds ? budget.statesPerKeyMax() : left,
                    perKeyBinds ? "Budget.statesPerKeyMax" : "what was left of Budget.statesTotalMax",
                    budget.cacheBytesPerKeyMax());
            KeyResult result = search.run();
            used += result.statesExplored();
            results.add(result);
        }
        return CheckResult.of(results, used);
    }

    /** The operations the search leaves out, with why; see the class comment. */
    static Map<Long, String> leftOut(List<Operation> ops) {
        Map<Long, String> dropped = new TreeMap<>();
        for (Operation op : ops) {
            String why = whyLeftOut(op);
            if (why != null) dropped.put(op.id(), why);
        }
        return dropped;
    }

    private static String whyLeftOut(Operation op) {
        if (op.outcome() instanceof Outcome.NotApplied) return "not applied, so it never took effect";
        if (op.outcome() instanceof Outcome.Ok ok && ok.result() instanceof Result.Refused r && sessionRefusal(r)) {
            return "refused by the session table, so it changed nothing";
        }
        if (op.indefinite() && op.command().readOnly()) return "indefinite read: it changed nothing and nobody saw its result";
        return null;
    }

    private static boolean sessionRefusal(Result.Refused r) {
        return KvStateMachine.SESSION_EXPIRED.equals(r.reason()) || r.reason().startsWith(STALE_REQUEST_PREFIX);
    }
}
