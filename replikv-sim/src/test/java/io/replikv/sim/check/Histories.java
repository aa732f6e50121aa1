package io.replikv.sim.check;

import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;
import io.replikv.core.util.Bytes;
import io.replikv.sim.history.Operation;
import java.util.ArrayList;
import java.util.List;

/** A small builder for hand-written histories: ids count from 1 in the order operations are added. */
final class Histories {
    private final List<Operation> ops = new ArrayList<>();

    static Histories history() {
        return new Histories();
    }

    Histories ok(String client, long call, long ret, Command command, Result result) {
        return add(client, command, call, ret, new Outcome.Ok(result));
    }

    Histories unknown(String client, long call, long ret, Command command) {
        return add(client, command, call, ret, new Outcome.Unknown("timed out"));
    }

    Histories neverReturned(String client, long call, Command command) {
        return add(client, command, call, Operation.NEVER, null);
    }

    Histories notApplied(String client, long call, long ret, Command command) {
        return add(client, command, call, ret, new Outcome.NotApplied("TIMEOUT", "no answer"));
    }

    private Histories add(String client, Command command, long call, long ret, Outcome outcome) {
        ops.add(new Operation(ops.size() + 1, client, command, call, ret, outcome));
        return this;
    }

    List<Operation> ops() {
        return List.copyOf(ops);
    }

    CheckResult check() {
        return LinearizabilityChecker.check(ops());
    }

    static Bytes b(String s) {
        return Bytes.of(s);
    }

    static Command get(String key) {
        return new Command.Get(b(key));
    }

    static Command put(String key, String value) {
        return new Command.Put(b(key), b(value));
    }

    static Command append(String key, String value) {
        return new Command.Append(b(key), b(value));
    }

    static Command putHash(String key, String value) {
        return new Command.PutHash(b(key), b(value));
    }

    static Command delete(String key) {
        return new Command.Delete(b(key));
    }

    static Result value(String v) {
        return new Result.Value(b(v));
    }

    static Result length(long n) {
        return new Result.Length(n);
    }

    static Result count(long n) {
        return new Result.Count(n);
    }

    static final Result MISSING = Result.MISSING;
    static final Result WRITTEN = Result.WRITTEN;
}
