package io.replikv.server.check;

import io.replikv.client.KvException;
import io.replikv.client.NotAppliedException;
import io.replikv.client.UnknownOutcomeException;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;

/**
 * Runs one command through the Java client and turns what happened into the history's
 * {@link Outcome}: a return value becomes {@code Ok} with the {@link Result} the state machine must
 * have produced; {@link NotAppliedException} becomes {@code NotApplied} (definite: the checker
 * drops it); {@link UnknownOutcomeException} becomes {@code Unknown} (it may have taken effect).
 * Anything else the client throws is a bug there, and counts as Unknown: when in doubt, indefinite.
 */
final class Outcomes {
    private Outcomes() {}

    static Outcome execute(KvStore store, Command command) {
        try {
            return new Outcome.Ok(result(store, command));
        } catch (NotAppliedException e) {
            return new Outcome.NotApplied(e.code(), e.detail());
        } catch (UnknownOutcomeException e) {
            return new Outcome.Unknown(e.getMessage());
        } catch (KvException | RuntimeException e) {
            return new Outcome.Unknown("client error: " + e);
        }
    }

    private static Result result(KvStore store, Command command) throws KvException {
        return switch (command) {
            case Command.Get g -> store.get(g.key()).<Result>map(Result.Value::new).orElse(Result.MISSING);
            case Command.Put p -> {
                store.put(p.key(), p.value());
                yield Result.WRITTEN;
            }
            case Command.Append a -> new Result.Length(store.append(a.key(), a.value()));
            case Command.PutHash h -> new Result.Value(store.putHash(h.key(), h.value()));
            case Command.Delete d -> new Result.Count(store.delete(d.key()) ? 1 : 0);
        };
    }
}
