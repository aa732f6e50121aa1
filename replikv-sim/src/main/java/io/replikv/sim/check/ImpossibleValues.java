package io.replikv.sim.check;

import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;
import io.replikv.core.util.Bytes;
import io.replikv.sim.history.Operation;

/**
 * A cheap, sound test before the search: a read (or a PutHash's returned old value) that shows a
 * value no write on the key could ever have produced, in any state and any order, makes the history
 * not linearizable on its own (Elle calls these garbage reads). Catching it here costs one pass over
 * the key's operations, where the search might have to try every order of old Unknown writes before
 * giving up on it.
 *
 * <p>What the writes that may have taken effect (Ok, Unknown or never returned; not the ones the
 * checker left out) can produce: a Put its argument; an Append a value ending with its argument
 * (and "" from an absent key when the argument is empty); a PutHash an unsigned 32-bit decimal
 * number. Everything else is impossible.
 */
final class ImpossibleValues {
    private ImpossibleValues() {}

    /** The largest value PutHash stores: 2^32 - 1. */
    private static final long PUT_HASH_VALUE_MAX = 0xFFFF_FFFFL;

    /** Index of the first definite operation that shows an impossible value, or -1. */
    static int firstImpossibleRead(Operation[] ops, boolean[] definite, Result[] expected) {
        for (int i = 0; i < ops.length; i++) {
            if (!definite[i] || !(expected[i] instanceof Result.Value v)) continue;
            Command c = ops[i].command();
            if (!(c instanceof Command.Get || c instanceof Command.PutHash)) continue;
            if (c instanceof Command.PutHash && v.value().isEmpty()) continue; // the value of an absent key
            if (!producible(v.value(), ops, definite, expected)) return i;
        }
        return -1;
    }

    private static boolean producible(Bytes value, Operation[] ops, boolean[] definite, Result[] expected) {
        for (int j = 0; j < ops.length; j++) {
            if (definite[j] && expected[j] instanceof Result.Refused) continue; // changed nothing
            boolean can = switch (ops[j].command()) {
                case Command.Put p -> p.value().equals(value);
                case Command.Append a -> endsWith(value, a.value());
                case Command.PutHash h -> isPutHashNumber(value);
                case Command.Get g -> false;
                case Command.Delete d -> false;
            };
            if (can) return true;
        }
        return false;
    }

    private static boolean endsWith(Bytes whole, Bytes suffix) {
        int offset = whole.length() - suffix.length();
        if (offset < 0) return false;
        for (int k = 0; k < suffix.length(); k++) if (whole.byteAt(offset + k) != suffix.byteAt(k)) return false;
        return true;
    }

    private static boolean isPutHashNumber(Bytes value) {
        if (value.isEmpty() || value.length() > 10) return false;
        long n = 0;
        for (int k = 0; k < value.length(); k++) {
            byte b = value.byteAt(k);
            if (b < '0' || b > '9') return false;
            n = n * 10 + (b - '0');
        }
        boolean canonical = value.length() == 1 || value.byteAt(0) != '0';
        return canonical && n <= PUT_HASH_VALUE_MAX;
    }
}
