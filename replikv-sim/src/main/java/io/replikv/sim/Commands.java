package io.replikv.sim;

import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;
import io.replikv.core.util.Bytes;

/** Short names for building commands from strings and reading outcomes in scenario tests. */
public final class Commands {
    private Commands() {}

    public static Command get(String key) {
        return new Command.Get(Bytes.of(key));
    }

    public static Command put(String key, String value) {
        return new Command.Put(Bytes.of(key), Bytes.of(value));
    }

    public static Command append(String key, String value) {
        return new Command.Append(Bytes.of(key), Bytes.of(value));
    }

    public static Command putHash(String key, String value) {
        return new Command.PutHash(Bytes.of(key), Bytes.of(value));
    }

    public static Command delete(String key) {
        return new Command.Delete(Bytes.of(key));
    }

    /**
     * The value an Ok Get (or PutHash) returned, as the original clerks see it: "" for a missing
     * key. Null when the outcome is not an Ok with a value or a miss.
     */
    public static String valueOf(Outcome outcome) {
        if (!(outcome instanceof Outcome.Ok ok)) return null;
        return switch (ok.result()) {
            case Result.Value v -> v.value().utf8();
            case Result.Missing m -> "";
            default -> null;
        };
    }
}
