package io.replikv.sim.check;

import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;
import io.replikv.core.util.Bytes;
import io.replikv.sim.history.Operation;

/**
 * Renders operations, commands, results and values for people reading a checker report: one
 * operation per line, {@code #id client [call, return] command -> outcome}. Values are quoted;
 * binary values show as hex (Bytes.toString) and long ones are cut in the middle.
 */
public final class HistoryFormat {
    private HistoryFormat() {}

    /** Longest value shown in full, in characters; longer values show their head, length and tail. */
    static final int VALUE_CHARS_MAX = 48;

    /** One line for one operation. */
    public static String line(Operation op) {
        return "#" + op.id() + " " + op.client() + " [" + op.callTime() + ", "
                + (op.returnTime() == Operation.NEVER ? "never" : Long.toString(op.returnTime())) + "] "
                + command(op.command()) + " -> " + outcome(op.outcome());
    }

    public static String command(Command command) {
        return switch (command) {
            case Command.Get g -> "Get " + value(g.key());
            case Command.Put p -> "Put " + value(p.key()) + " " + value(p.value());
            case Command.Append a -> "Append " + value(a.key()) + " " + value(a.value());
            case Command.PutHash h -> "PutHash " + value(h.key()) + " " + value(h.value());
            case Command.Delete d -> "Delete " + value(d.key());
        };
    }

    public static String outcome(Outcome outcome) {
        return switch (outcome) {
            case null -> "never returned";
            case Outcome.Ok ok -> "ok " + result(ok.result());
            case Outcome.NotApplied n -> "not applied (" + n.code() + ": " + n.message() + ")";
            case Outcome.Unknown u -> "unknown (" + u.message() + ")";
        };
    }

    public static String result(Result result) {
        return switch (result) {
            case Result.Value v -> "Value(" + value(v.value()) + ")";
            case Result.Missing m -> "Missing";
            case Result.Written w -> "Written";
            case Result.Length l -> "Length(" + l.length() + ")";
            case Result.Count c -> "Count(" + c.count() + ")";
            case Result.Refused r -> "Refused(" + r.reason() + ")";
        };
    }

    /** A key's value as the model holds it: quoted, or {@code absent}. */
    public static String state(Bytes value) {
        return value == null ? "absent" : value(value);
    }

    static String value(Bytes bytes) {
        String s = bytes.toString();
        if (s.length() > VALUE_CHARS_MAX) {
            int half = VALUE_CHARS_MAX / 2;
            s = s.substring(0, half) + "...(" + bytes.length() + " bytes)..." + s.substring(s.length() - half);
        }
        return "\"" + s + "\"";
    }
}
