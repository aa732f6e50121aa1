package io.replikv.sim.check;

import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Invariants;
import io.replikv.sim.history.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The Wing–Gong/Lowe search for one key, with Lowe's memoization (as in Porcupine).
 *
 * <p>The definite operations sit in the "entries" list: a call entry and a return entry each,
 * ordered by time (at equal times calls first, so operations that merely touch count as
 * concurrent, the permissive reading of a tick-granular clock). An operation can go next exactly
 * when its call entry comes before the first return entry: every operation that returned earlier
 * has been placed. Placing one "lifts" both its entries out of the list; backtracking "unlifts"
 * them (dancing links: a removed node keeps its pointers, so restoring in reverse order is exact).
 *
 * <p>Indefinite writes have their return at +infinity. Rather than hang an entry at the end of the
 * list, they live in a second list by call time, and one can go next when its call is no later than
 * the first return entry of the main list. The search is done as soon as every definite operation is
 * placed: indefinite writes still unplaced then are the ones that never took effect (or took effect
 * after everything else, which nothing observed). They are tried after the definite candidates at
 * each step, so the search places an indefinite write only when what a client saw needs it; that is
 * only an order of trying, every candidate is still tried on backtracking, so the search is complete.
 *
 * <p>Memoization: the rest of the search depends only on which operations are placed and on the
 * value, so a (placed set, value) pair explored once never needs exploring again; see
 * {@link StateCache} for how it also prunes states that placed more indefinite writes than one
 * already explored.
 *
 * <p>More prunings, each an exchange argument (a successful order that a pruned move starts can be
 * rearranged into one that a tried move starts, no longer or with fewer indefinite operations, so
 * the search still finds one; a minimal counterexample argument shows they combine):
 * <ul>
 *   <li>Free moves. A definite operation that can never change the value when it fits (a Get, a
 *       Delete that removed nothing, an Append of nothing to a present value, a refused write) and that fits now is
 *       placed at once, and the other candidates are not tried at this point: in any successful
 *       order it can be moved here, since it is a candidate, returns the same and changes nothing
 *       where it was. Reads are most operations, so this removes most branching.</li>
 *   <li>An indefinite blind write (Put or Delete) is not placed right after another indefinite
 *       operation: it would erase that one's effect, so placing it without the other, from where the
 *       run of indefinite operations began, reaches the same value with fewer of them used.</li>
 *   <li>An indefinite write is placed only if some definite candidate could fit after it (and
 *       perhaps more indefinite writes) and needs it ({@link #indefiniteMayHelp}); a definite
 *       operation is not placed right after a run of indefinite ones that it did not need
 *       ({@link #runWasUseless}).</li>
 * </ul>
 *
 * <p>Before any search, a read of a value no write can produce rejects the history at once
 * ({@link ImpossibleValues}). The search itself runs in passes with a growing limit on runs of
 * consecutive indefinite writes ({@link #RUN_LENGTH_MAX_PER_PASS}): a limited pass that succeeds
 * proves linearizability (it found a real order); only the unlimited last pass proves a violation.
 */
final class KeySearch {
    private static final int NIL = -1;
    /** The cursor of a node just entered: look for a free move first. */
    private static final int FRESH = -2;

    /** Lines of the longest prefix shown in a report; earlier ones are summarised in one line. */
    static final int REPORT_PREFIX_LINES_MAX = 25;

    /** Lines of history shown in a report around the stuck operations; the rest is in {@link KeyResult.Violation#history()}. */
    static final int REPORT_HISTORY_LINES_MAX = 120;

    private final Bytes key;
    private final List<Operation> everything;
    private final Map<Long, String> dropped;
    private final long statesMax;
    private final String statesBudgetName;
    private final long cacheBytesMax;

    private final Operation[] ops;
    private final boolean[] definite;
    private final Result[] expected;
    // bit of an operation in the set of its kind: definite and indefinite operations are numbered apart
    private final int[] bit;
    private final int n;
    private final int definiteCount;

    // main list: node 2i is the call entry of op i, 2i+1 its return entry; head is node 2n
    private final int[] next;
    private final int[] prev;
    private final int head;
    // indefinite list: op indices by call time; head is n
    private final int[] nextIndefinite;
    private final int[] prevIndefinite;
    private final int headIndefinite;

    private Bytes state;
    private final long[] placedDefinite;
    private final long[] placedIndefinite;
    private long placedDefiniteHash;
    private int definiteLeft;
    private long boundary;
    private final int[] stackOp;
    private final Bytes[] stackState;
    private final long[] stackBoundary;
    private final boolean[] stackFree;
    // the value before the run of indefinite operations that the operation at this depth ends (or before it)
    private final Bytes[] stackRunStart;
    // per depth: the order in which the indefinite candidates of that point are tried, and how far
    private final int[][] indefiniteOrder;
    private final int[] indefinitePosition;
    private final int[] scratch;
    private int depth;

    private StateCache cache = new StateCache();
    private long statesOfEarlierPasses;
    private int runLengthMax;
    private boolean limitPruned;
    private int[] bestPrefix = new int[0];
    private int bestDefinite = -1;

    /**
     * @param everything every operation on {@code key}, by call time
     * @param dropped    ids of the operations the search leaves out, with the reason
     */
    KeySearch(Bytes key, List<Operation> everything, Map<Long, String> dropped, long statesMax, String statesBudgetName,
            long cacheBytesMax) {
        this.key = key;
        this.everything = everything;
        this.dropped = dropped;
        this.statesMax = statesMax;
        this.statesBudgetName = statesBudgetName;
        this.cacheBytesMax = cacheBytesMax;
        this.ops = everything.stream().filter(o -> !dropped.containsKey(o.id()))
                .sorted(Comparator.comparingLong(Operation::callTime).thenComparingLong(Operation::id))
                .toArray(Operation[]::new);
        this.n = ops.length;
        this.definite = new boolean[n];
        this.expected = new Result[n];
        this.bit = new int[n];
        int d = 0;
        for (int i = 0; i < n; i++) {
            definite[i] = !ops[i].indefinite();
            if (definite[i]) {
                Invariants.check(ops[i].outcome() instanceof Outcome.Ok, "kept definite op %d is not Ok", ops[i].id());
                expected[i] = ((Outcome.Ok) ops[i].outcome()).result();
                bit[i] = d++;
            } else {
                bit[i] = i - d;
            }
        }
        this.definiteCount = d;
        this.definiteLeft = d;
        this.next = new int[2 * n + 1];
        this.prev = new int[2 * n + 1];
        this.head = 2 * n;
        this.nextIndefinite = new int[n + 1];
        this.prevIndefinite = new int[n + 1];
        this.headIndefinite = n;
        this.placedDefinite = new long[(d + 63) / 64];
        this.placedIndefinite = new long[(n - d + 63) / 64];
        this.stackOp = new int[n];
        this.stackState = new Bytes[n];
        this.stackBoundary = new long[n];
        this.stackFree = new boolean[n];
        this.stackRunStart = new Bytes[n];
        this.indefiniteOrder = new int[n + 1][];
        this.indefinitePosition = new int[n + 1];
        this.scratch = new int[n];
        linkEntries();
        this.boundary = firstReturnTime();
    }

    private void linkEntries() {
        List<Integer> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!definite[i]) continue;
            nodes.add(2 * i);
            nodes.add(2 * i + 1);
        }
        // by time; at equal times calls before returns (touching operations are concurrent); then by op
        nodes.sort(Comparator.comparingLong(this::time).thenComparingInt(x -> x & 1).thenComparingInt(x -> x));
        int last = head;
        for (int x : nodes) {
            next[last] = x;
            prev[x] = last;
            last = x;
        }
        next[last] = NIL;
        int lastIndefinite = headIndefinite;
        for (int i = 0; i < n; i++) {
            if (definite[i]) continue;
            nextIndefinite[lastIndefinite] = i;
            prevIndefinite[i] = lastIndefinite;
            lastIndefinite = i;
        }
        nextIndefinite[lastIndefinite] = NIL;
    }

    private long time(int node) {
        Operation op = ops[node / 2];
        return (node & 1) == 0 ? op.callTime() : op.returnTime();
    }

    private static boolean isCall(int node) {
        return (node & 1) == 0;
    }

    /**
     * Longest runs of consecutive indefinite operations each pass of the search may place, the last
     * pass without a limit. A linearizable history rarely needs long runs, and a search limited to
     * short ones does not wander through every combination of old Unknown writes at a dead end, so
     * it usually finds its linearization in the first pass; the unlimited last pass alone proves a
     * violation.
     */
    static final int[] RUN_LENGTH_MAX_PER_PASS = {1, 2, 4, Integer.MAX_VALUE};

    /** Runs the search, in passes (see {@link #RUN_LENGTH_MAX_PER_PASS}), and says what it found. */
    KeyResult run() {
        int impossible = ImpossibleValues.firstImpossibleRead(ops, definite, expected);
        if (impossible != NIL) return impossibleRead(impossible);
        for (int limit : RUN_LENGTH_MAX_PER_PASS) {
            limitPruned = false;
            KeyResult result = runPass(limit);
            // a failed pass that the limit never cut short was the unlimited search: its failure is a proof
            if (!(result instanceof KeyResult.Violation) || limit == Integer.MAX_VALUE || !limitPruned) return result;
            Invariants.check(depth == 0 && definiteLeft == definiteCount, "a failed pass did not unwind");
            statesOfEarlierPasses += cache.added();
            cache = new StateCache(); // what failed under a limit may succeed without it
            bestPrefix = new int[0];
            bestDefinite = -1;
        }
        throw Invariants.unreachable("the last pass has no limit");
    }

    private KeyResult runPass(int runLengthLimit) {
        runLengthMax = runLengthLimit;
        int cursor = FRESH;
        while (definiteLeft > 0) {
            if (cursor == FRESH) {
                int free = freeMove();
                if (free == NIL) {
                    cursor = firstCandidate();
                } else if (remember(free, state)) {
                    if (overBudget()) return unknown();
                    push(free, state, true);
                } else {
                    cursor = NIL; // the free move was explored already, so this whole point was
                }
                continue;
            }
            if (cursor == NIL) {
                if (depth == 0) return violation();
                boolean wasFree = stackFree[depth - 1];
                int undone = pop();
                cursor = wasFree ? NIL : nextCandidate(undone);
                continue;
            }
            if (erasesIndefinite(cursor) || runTooLong(cursor) || !indefiniteMayHelp(cursor)) {
                if (!definite[cursor] && runLengthMax != Integer.MAX_VALUE) limitPruned = true; // perhaps by the limit
                cursor = nextCandidate(cursor);
                continue;
            }
            KvModel.Step step = KvModel.apply(state, ops[cursor].command());
            if (fits(cursor, step.result()) && !runWasUseless(cursor, step) && remember(cursor, step.next())) {
                if (overBudget()) return unknown();
                if (KvModel.buildsValue(ops[cursor].command()) && step.next() != null) cache.holdsValue(step.next());
                push(cursor, step.next(), false);
                cursor = FRESH;
            } else {
                cursor = nextCandidate(cursor);
            }
        }
        List<Long> order = new ArrayList<>(depth);
        for (int k = 0; k < depth; k++) order.add(ops[stackOp[k]].id());
        return new KeyResult.Linearizable(key, everything.size(), statesExplored(), order);
    }

    private boolean overBudget() {
        return statesExplored() > statesMax || cache.bytes() > cacheBytesMax;
    }

    private boolean runTooLong(int op) {
        return !definite[op] && runLengthMax != Integer.MAX_VALUE && runLength() >= runLengthMax;
    }

    /** A definite candidate that never changes the value when it fits and fits now, or NIL. */
    private int freeMove() {
        for (int x = next[head]; x != NIL && isCall(x); x = next[x]) {
            int op = x / 2;
            if (!neverChangesValueWhenFits(op)) continue;
            KvModel.Step step = KvModel.apply(state, ops[op].command());
            if (!fits(op, step.result())) continue;
            Invariants.check(java.util.Objects.equals(step.next(), state), "free move %d changed the value", ops[op].id());
            return op;
        }
        return NIL;
    }

    private boolean neverChangesValueWhenFits(int op) {
        return switch (ops[op].command()) {
            case Command.Get g -> true;
            case Command.Delete d -> expected[op].equals(new Result.Count(0));
            // an Append of nothing turns an absent key into "": free only when it shows a present value
            case Command.Append a -> expected[op] instanceof Result.Refused
                    || (a.value().isEmpty() && expected[op] instanceof Result.Length l && l.length() > 0);
            case Command.Put p -> expected[op] instanceof Result.Refused;
            case Command.PutHash h -> expected[op] instanceof Result.Refused;
        };
    }

    /**
     * Whether placing indefinite {@code op} now could matter: a run of indefinite operations matters
     * only through the definite operation right after it, which is one of today's definite
     * candidates (placing indefinite operations does not change them). So some candidate must be
     * able to fit after this operation and perhaps more indefinite ones, and must not have fitted
     * just as well without it (else placing the candidate first is no worse). The reachability test
     * over-approximates what the other indefinite operations can build: mid-run they are Appends
     * (the value only grows, keeping its prefix) and PutHashes (the value becomes decimal digits).
     * Always true for definite operations.
     */
    private boolean indefiniteMayHelp(int op) {
        if (definite[op]) return true;
        Bytes before = state;
        Bytes after = KvModel.apply(state, ops[op].command()).next();
        if (someCandidateMayFitAfterRun(before, new Reach(after, false, false))) return true;
        // how many more indefinite operations this run may still take in this pass
        long stepsLeft = runLengthMax == Integer.MAX_VALUE ? Long.MAX_VALUE : runLengthMax - runLength() - 1L;
        if (stepsLeft == 0) return false;
        boolean moreAppend = false;
        boolean morePutHash = false;
        for (int j = nextIndefinite[headIndefinite]; j != NIL && ops[j].callTime() <= boundary; j = nextIndefinite[j]) {
            Command c = ops[j].command();
            if (j == op || !(c instanceof Command.Append || c instanceof Command.PutHash)) continue; // mid-run: no blind writes
            if (stepsLeft == 1) {
                // one more at most: try each exactly
                if (someCandidateMayFitAfterRun(before, new Reach(KvModel.apply(after, c).next(), false, false))) return true;
            }
            moreAppend |= c instanceof Command.Append;
            morePutHash |= c instanceof Command.PutHash;
        }
        return stepsLeft > 1 && someCandidateMayFitAfterRun(before, new Reach(after, moreAppend, morePutHash));
    }

    private boolean someCandidateMayFitAfterRun(Bytes before, Reach reach) {
        for (int x = next[head]; x != NIL && isCall(x); x = next[x]) {
            if (mayFitAfterRun(x / 2, before, reach)) return true;
        }
        return false;
    }

    /** Consecutive indefinite operations on top of the stack. */
    private int runLength() {
        int run = 0;
        for (int k = depth - 1; k >= 0 && !definite[stackOp[k]]; k--) run++;
        return run;
    }

    /** The value after an indefinite operation, and what the other indefinite operations could still add to it. */
    private record Reach(Bytes value, boolean moreAppend, boolean morePutHash) {
        int length() {
            return value == null ? 0 : value.length();
        }

        boolean mayBecome(Bytes target) {
            if (target.equals(value)) return true;
            if (moreAppend && startsWith(target, value == null ? Bytes.EMPTY : value)) return true;
            return morePutHash && !target.isEmpty() && target.byteAt(0) >= '0' && target.byteAt(0) <= '9';
        }

        boolean mayHaveLength(long target) {
            return target == length() || (moreAppend && target > length()) || (morePutHash && target >= 1);
        }

        private static boolean startsWith(Bytes whole, Bytes prefix) {
            if (prefix.length() > whole.length()) return false;
            for (int k = 0; k < prefix.length(); k++) if (whole.byteAt(k) != prefix.byteAt(k)) return false;
            return true;
        }
    }

    /** Whether definite candidate {@code d} could fit after the run and needs it (see {@link #indefiniteMayHelp}). */
    private boolean mayFitAfterRun(int d, Bytes before, Reach reach) {
        Result want = expected[d];
        boolean fitsBefore = fits(d, KvModel.apply(before, ops[d].command()).result());
        return switch (ops[d].command()) {
            case Command.Put p -> false; // it erases whatever the run did
            case Command.Get g -> !fitsBefore && switch (want) {
                case Result.Missing m -> reach.value() == null;
                case Result.Value v -> reach.mayBecome(v.value());
                default -> false; // a Get returns nothing else: it can never fit
            };
            case Command.PutHash h -> !fitsBefore && (!(want instanceof Result.Value v)
                    || reach.mayBecome(v.value()) || (v.value().isEmpty() && reach.value() == null));
            case Command.Delete x -> !fitsBefore && (want.equals(new Result.Count(1))
                    ? reach.value() != null || reach.moreAppend() || reach.morePutHash()
                    : reach.value() == null);
            case Command.Append a -> !(want instanceof Result.Length l) || reach.mayHaveLength(l.length() - a.value().length());
        };
    }

    /** True for an indefinite blind write right after another indefinite operation (see the class comment). */
    private boolean erasesIndefinite(int op) {
        if (definite[op] || depth == 0 || definite[stackOp[depth - 1]]) return false;
        return ops[op].command() instanceof Command.Put || ops[op].command() instanceof Command.Delete;
    }

    /**
     * True for a definite operation right after a run of indefinite ones that would fit just as well
     * before the run and leave the same value: the run changed nothing it can see, so placing it
     * before the run (with the run's operations still unused) reaches the same value with less used.
     */
    private boolean runWasUseless(int op, KvModel.Step step) {
        if (!definite[op] || depth == 0 || definite[stackOp[depth - 1]]) return false;
        KvModel.Step before = KvModel.apply(stackRunStart[depth - 1], ops[op].command());
        return fits(op, before.result()) && java.util.Objects.equals(before.next(), step.next());
    }

    /** A definite operation must return exactly what the model returns; an indefinite one anything. */
    private boolean fits(int op, Result result) {
        return !definite[op] || expected[op].equals(result);
    }

    /** Marks {@code op} placed and stores the new state; false (and unmarked) if it, or a state dominating it, was explored. */
    private boolean remember(int op, Bytes nextState) {
        flip(op);
        int hash = Long.hashCode(placedDefiniteHash * 31 + (nextState == null ? 0x5bd1e995 : nextState.hashCode()));
        if (cache.add(placedDefinite, placedIndefinite, nextState, hash)) return true;
        flip(op);
        return false;
    }

    private void flip(int op) {
        int b = bit[op];
        if (definite[op]) {
            placedDefinite[b >>> 6] ^= 1L << b;
            placedDefiniteHash ^= zobrist(b);
        } else {
            placedIndefinite[b >>> 6] ^= 1L << b;
        }
    }

    // a fixed pseudo-random 64-bit word per operation, so the hash of a set is the xor of its members'
    private static long zobrist(int b) {
        long z = (b + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void push(int op, Bytes nextState, boolean free) {
        stackOp[depth] = op;
        stackFree[depth] = free;
        stackState[depth] = state;
        stackBoundary[depth] = boundary;
        boolean runGoesOn = !definite[op] && depth > 0 && !definite[stackOp[depth - 1]];
        stackRunStart[depth] = runGoesOn ? stackRunStart[depth - 1] : state;
        depth++;
        state = nextState;
        lift(op);
        boundary = firstReturnTime();
        int definiteDone = definiteCount - definiteLeft;
        if (definiteDone > bestDefinite) {
            bestDefinite = definiteDone;
            bestPrefix = java.util.Arrays.copyOf(stackOp, depth);
        }
    }

    private int pop() {
        depth--;
        int op = stackOp[depth];
        state = stackState[depth];
        boundary = stackBoundary[depth];
        flip(op);
        unlift(op);
        return op;
    }

    private void lift(int op) {
        if (definite[op]) {
            unlink(2 * op);
            unlink(2 * op + 1);
            definiteLeft--;
        } else {
            nextIndefinite[prevIndefinite[op]] = nextIndefinite[op];
            if (nextIndefinite[op] != NIL) prevIndefinite[nextIndefinite[op]] = prevIndefinite[op];
        }
    }

    private void unlift(int op) {
        if (definite[op]) {
            relink(2 * op + 1);
            relink(2 * op);
            definiteLeft++;
        } else {
            nextIndefinite[prevIndefinite[op]] = op;
            if (nextIndefinite[op] != NIL) prevIndefinite[nextIndefinite[op]] = op;
        }
    }

    private void unlink(int node) {
        next[prev[node]] = next[node];
        if (next[node] != NIL) prev[next[node]] = prev[node];
    }

    private void relink(int node) {
        next[prev[node]] = node;
        if (next[node] != NIL) prev[next[node]] = node;
    }

    /** The time of the first return entry left: no operation called after it can go next. */
    private long firstReturnTime() {
        int x = next[head];
        while (x != NIL && isCall(x)) x = next[x];
        return x == NIL ? Long.MAX_VALUE : time(x);
    }

    /**
     * The first operation that can go next: definite ones first, by call time, then indefinite ones
     * in the order {@link #startIndefinite} gives.
     */
    private int firstCandidate() {
        int x = next[head];
        if (x != NIL && isCall(x)) return x / 2;
        return startIndefinite();
    }

    /** The candidate after {@code op} in the same order as {@link #firstCandidate}. */
    private int nextCandidate(int op) {
        if (!definite[op]) {
            int[] order = indefiniteOrder[depth];
            int at = ++indefinitePosition[depth];
            return at < order.length ? order[at] : NIL;
        }
        int x = next[2 * op];
        if (isCall(x)) return x / 2;
        return startIndefinite();
    }

    /**
     * Lists the indefinite operations that can go next at this point (called no later than the
     * first return entry), those after which a definite candidate fits that does not fit now first,
     * then the others, each group by call time. Only an order of trying: a needed write that took
     * effect alone is found before every combination of writes called earlier that did not.
     */
    private int startIndefinite() {
        int count = 0;
        for (int j = nextIndefinite[headIndefinite]; j != NIL && ops[j].callTime() <= boundary; j = nextIndefinite[j]) {
            scratch[count++] = j;
        }
        int[] order = new int[count];
        int front = 0;
        for (int k = 0; k < count; k++) if (helpsAtOnce(scratch[k])) order[front++] = scratch[k];
        for (int k = 0; k < count; k++) if (!helpsAtOnce(scratch[k])) order[front++] = scratch[k];
        indefiniteOrder[depth] = order;
        indefinitePosition[depth] = 0;
        return count == 0 ? NIL : order[0];
    }

    /** True if some definite candidate that does not fit now fits right after indefinite {@code op}. */
    private boolean helpsAtOnce(int op) {
        Bytes after = KvModel.apply(state, ops[op].command()).next();
        for (int x = next[head]; x != NIL && isCall(x); x = next[x]) {
            int d = x / 2;
            if (!fits(d, KvModel.apply(state, ops[d].command()).result())
                    && fits(d, KvModel.apply(after, ops[d].command()).result())) {
                return true;
            }
        }
        return false;
    }

    private KeyResult unknown() {
        String why = statesExplored() > statesMax
                ? "the search stored more than " + statesMax + " states (" + statesBudgetName + ")"
                : "the search's cache passed about " + cacheBytesMax + " bytes (Budget.cacheBytesPerKeyMax)";
        return new KeyResult.Unknown(key, everything.size(), statesExplored(),
                why + " after placing at most " + Math.max(bestDefinite, 0) + " of " + definiteCount
                        + " definite operations; no violation found so far, nothing proven");
    }

    private KeyResult violation() {
        List<Long> prefixIds = new ArrayList<>(bestPrefix.length);
        for (int op : bestPrefix) prefixIds.add(ops[op].id());
        String report = new ViolationReport(this).render();
        return new KeyResult.Violation(key, everything.size(), statesExplored(), prefixIds, report, historyLines());
    }

    private KeyResult impossibleRead(int op) {
        String report = "NOT LINEARIZABLE on key " + HistoryFormat.value(key) + ": " + everything.size() + " operations\n"
                + "This operation returned a value that no write on the key can produce in any order (no Put of it,\n"
                + "no Append it ends with, not the number of a PutHash), so no search was needed:\n"
                + "  " + HistoryFormat.line(ops[op]) + "\n"
                + ViolationReport.historySection(key, everything, historyLines(), List.of(ops[op].id()));
        return new KeyResult.Violation(key, everything.size(), 0, List.of(), report, historyLines());
    }

    /** Every operation on the key, one per line by call time, dropped ones marked with why. */
    List<String> historyLines() {
        List<String> lines = new ArrayList<>(everything.size());
        for (Operation op : everything) {
            String why = dropped.get(op.id());
            lines.add(HistoryFormat.line(op) + (why == null ? "" : "   [left out: " + why + "]"));
        }
        return lines;
    }

    // ---- what ViolationReport needs: the state of the search at the end of the best prefix ----

    Bytes key() {
        return key;
    }

    List<Operation> everything() {
        return everything;
    }

    /** States stored over all passes so far. */
    long statesExplored() {
        return statesOfEarlierPasses + cache.added();
    }

    int definiteCount() {
        return definiteCount;
    }

    Operation op(int index) {
        return ops[index];
    }

    boolean isDefinite(int index) {
        return definite[index];
    }

    Result expected(int index) {
        return expected[index];
    }

    int[] bestPrefix() {
        return bestPrefix.clone();
    }

    /**
     * Places the best prefix again (the search has unwound completely when it fails) and returns the
     * operations that could go next after it, in the search's order; the value after the prefix is
     * the last element of {@code valuesAfter} (or absent for an empty prefix).
     */
    List<Integer> candidatesAfterBestPrefix(List<Bytes> valuesAfter) {
        Invariants.check(depth == 0, "the search has not unwound: depth %d", depth);
        Bytes value = null;
        for (int op : bestPrefix) {
            value = KvModel.apply(value, ops[op].command()).next();
            valuesAfter.add(value);
            lift(op);
        }
        boundary = firstReturnTime();
        List<Integer> candidates = new ArrayList<>();
        for (int c = firstCandidate(); c != NIL; c = nextCandidate(c)) candidates.add(c);
        for (int k = bestPrefix.length - 1; k >= 0; k--) unlift(bestPrefix[k]);
        boundary = firstReturnTime();
        return candidates;
    }
}
