package io.replikv.sim.history;

import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.util.Invariants;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Records client operations as they are called and return. {@link #operations()} lists every
 * operation in call order; one still in flight is listed with {@link Operation#NEVER} and no
 * outcome, which the checker treats as "may take effect at any time after its call, or never".
 */
public final class History {
    /** Operations one history holds at most: far beyond any simulated run, a guard against a runaway workload. */
    public static final int OPERATIONS_MAX = 10_000_000;

    private record Entry(String client, Command command, long callTime) {}

    private final LinkedHashMap<Long, Entry> called = new LinkedHashMap<>();
    private final LinkedHashMap<Long, Operation> returned = new LinkedHashMap<>();

    public void call(long id, String client, Command command, long callTime) {
        Invariants.check(called.size() < OPERATIONS_MAX, "history holds %d operations already", OPERATIONS_MAX);
        Entry old = called.putIfAbsent(id, new Entry(client, command, callTime));
        Invariants.check(old == null, "operation %d called twice", id);
    }

    public void complete(long id, long returnTime, Outcome outcome) {
        Entry e = called.get(id);
        Invariants.check(e != null, "operation %d completed but never called", id);
        Invariants.check(outcome != null, "operation %d completed without an outcome", id);
        Operation old = returned.putIfAbsent(id, new Operation(id, e.client(), e.command(), e.callTime(), returnTime, outcome));
        Invariants.check(old == null, "operation %d completed twice", id);
    }

    public boolean returned(long id) {
        return returned.containsKey(id);
    }

    /** The outcome of a returned operation, or null while it is in flight. */
    public Outcome outcome(long id) {
        Operation op = returned.get(id);
        return op == null ? null : op.outcome();
    }

    /** The operation as it stands now (in flight: NEVER and no outcome). */
    public Operation operation(long id) {
        Operation op = returned.get(id);
        if (op != null) return op;
        Entry e = called.get(id);
        Invariants.check(e != null, "no operation %d", id);
        return new Operation(id, e.client(), e.command(), e.callTime(), Operation.NEVER, null);
    }

    /** Every operation in call order; those in flight have returnTime NEVER and outcome null. */
    public List<Operation> operations() {
        List<Operation> ops = new ArrayList<>(called.size());
        for (Long id : called.keySet()) ops.add(operation(id));
        return ops;
    }

    public int size() {
        return called.size();
    }

    /** How many operations are still in flight. */
    public int pending() {
        return called.size() - returned.size();
    }
}
