package io.replikv.sim.check;

import io.replikv.core.kv.Command;
import io.replikv.core.kv.Fnv1a;
import io.replikv.core.kv.KvLimits;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Invariants;

/**
 * The sequential specification of one key, as the linearizability checker uses it: the state is
 * the key's value, {@code null} when the key is absent (absent and "" differ: Get says Missing or
 * Value(""), Delete says 0 or 1). It mirrors {@link KvStateMachine}'s untagged apply for one key,
 * including its refusals (a refused command changes nothing); KvModelTest holds the two together.
 *
 * <p>It is written out here rather than calling a KvStateMachine per step because the search takes
 * millions of steps and a state machine per step (a TreeMap and a session table) would dominate;
 * the one rare branch that needs the state machine's exact wording (an Append over the value
 * limit) asks a real one.
 */
public final class KvModel {
    private KvModel() {}

    /** What applying a command to a value returns, and the value after it ({@code null} = absent). */
    public record Step(Result result, Bytes next) {}

    /** Applies {@code command} to the value {@code value} ({@code null} = absent). */
    public static Step apply(Bytes value, Command command) {
        if (command instanceof Command.Get) {
            // reads are never validated by the state machine: they change nothing
            return new Step(value == null ? Result.MISSING : new Result.Value(value), value);
        }
        String invalid = KvStateMachine.validate(command);
        if (invalid != null) return new Step(new Result.Refused(invalid), value);
        return switch (command) {
            case Command.Get g -> throw Invariants.unreachable("Get is handled above: %s", g);
            case Command.Put p -> new Step(Result.WRITTEN, p.value());
            case Command.Append a -> append(value, a);
            case Command.PutHash h -> {
                Bytes old = value == null ? Bytes.EMPTY : value;
                yield new Step(new Result.Value(old), Bytes.of(Long.toString(Fnv1a.hash32(old, h.value()))));
            }
            case Command.Delete d -> new Step(new Result.Count(value == null ? 0 : 1), null);
        };
    }

    /** True if applying {@code command} builds a new value (rather than keeping or taking an existing one). */
    static boolean buildsValue(Command command) {
        return command instanceof Command.Append || command instanceof Command.PutHash;
    }

    private static Step append(Bytes value, Command.Append a) {
        Bytes old = value == null ? Bytes.EMPTY : value;
        if ((long) old.length() + a.value().length() > KvLimits.VALUE_BYTES_MAX) {
            return new Step(refusalOfStateMachine(value, a), value);
        }
        Bytes joined = old.concat(a.value());
        return new Step(new Result.Length(joined.length()), joined);
    }

    // the state machine's own refusal, word for word, so an observed Refused compares equal
    private static Result refusalOfStateMachine(Bytes value, Command command) {
        KvStateMachine sm = new KvStateMachine(1);
        if (value != null) sm.apply(Request.untagged(new Command.Put(command.key(), value)));
        return sm.apply(Request.untagged(command));
    }
}
