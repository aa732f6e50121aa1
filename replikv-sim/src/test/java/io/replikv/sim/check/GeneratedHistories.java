package io.replikv.sim.check;

import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import io.replikv.sim.history.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Linearizable histories by construction: a sequential KV store applies operations at distinct,
 * increasing linearization points (10, 20, 30 ... ticks), and each operation's interval is drawn
 * at random around its point, so intervals overlap but always contain the point. Indefinite
 * operations took effect at their point or not at all, with an interval that may end before the
 * point (the write took effect late, after the client gave up) or never end. Values are unique
 * per operation ("v17", "a17,") and never contain '!', so a '!' value was never written.
 */
final class GeneratedHistories {
    private GeneratedHistories() {}

    /** A value no generated history ever writes. */
    static final Bytes NEVER_WRITTEN = Bytes.of("!never-written!");

    /** Ticks between consecutive linearization points. */
    static final long POINT_SPACING_TICKS = 10;

    /**
     * @param spreadTicks how far an interval reaches on each side of its point; about
     *                    2 * spreadTicks / POINT_SPACING_TICKS operations overlap each one
     */
    record Shape(int operations, int keys, int clients, long spreadTicks, double indefiniteChance,
            double notAppliedChance) {}

    static List<Operation> linearizable(long seed, Shape shape) {
        Prng prng = new Prng(seed);
        TreeMap<Bytes, Bytes> store = new TreeMap<>();
        List<Operation> ops = new ArrayList<>(shape.operations());
        for (int i = 0; i < shape.operations(); i++) {
            long point = POINT_SPACING_TICKS * (i + 1);
            Bytes key = Bytes.of("k" + prng.nextInt(shape.keys()));
            Command command = command(prng, key, i);
            String client = "c" + prng.nextInt(shape.clients());
            long call = point - prng.between(0, shape.spreadTicks());
            long ret = point + prng.between(0, shape.spreadTicks());
            double fate = prng.nextDouble();
            if (fate < shape.notAppliedChance()) {
                ops.add(new Operation(i, client, command, call, ret, new Outcome.NotApplied("TIMEOUT", "generated")));
            } else if (fate < shape.notAppliedChance() + shape.indefiniteChance()) {
                if (prng.chance(0.5)) apply(store, command);
                long earlyCall = point - prng.between(0, 5 * shape.spreadTicks());
                boolean returns = prng.chance(0.5);
                ops.add(new Operation(i, client, command, earlyCall,
                        returns ? earlyCall + prng.between(0, shape.spreadTicks()) : Operation.NEVER,
                        returns ? new Outcome.Unknown("generated") : null));
            } else {
                ops.add(new Operation(i, client, command, call, ret, new Outcome.Ok(apply(store, command))));
            }
        }
        return ops;
    }

    private static Command command(Prng prng, Bytes key, int i) {
        int dice = prng.nextInt(100);
        if (dice < 40) return new Command.Get(key);
        if (dice < 65) return new Command.Put(key, Bytes.of("v" + i));
        if (dice < 80) return new Command.Append(key, Bytes.of("a" + i + ","));
        if (dice < 90) return new Command.PutHash(key, Bytes.of("h" + i));
        return new Command.Delete(key);
    }

    private static Result apply(TreeMap<Bytes, Bytes> store, Command command) {
        KvModel.Step step = KvModel.apply(store.get(command.key()), command);
        if (step.next() == null) {
            store.remove(command.key());
        } else {
            store.put(command.key(), step.next());
        }
        return step.result();
    }

    /** The history with one definite Get (chosen by {@code seed}) now claiming to have read a value never written; null if it has none. */
    static List<Operation> withOneReadOfANeverWrittenValue(List<Operation> history, long seed) {
        List<Integer> reads = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            Operation op = history.get(i);
            if (op.command() instanceof Command.Get && op.outcome() instanceof Outcome.Ok) reads.add(i);
        }
        if (reads.isEmpty()) return null;
        int victim = new Prng(seed).pick(reads);
        List<Operation> mutated = new ArrayList<>(history);
        Operation op = history.get(victim);
        mutated.set(victim, new Operation(op.id(), op.client(), op.command(), op.callTime(), op.returnTime(),
                new Outcome.Ok(new Result.Value(NEVER_WRITTEN))));
        return mutated;
    }

    /**
     * The history with one definite Get (chosen by {@code seed}) now claiming to have read the value
     * of a Put called after the Get returned: a read from the future. Put values are unique, so
     * nothing else could explain it. Null if the history has no such pair.
     */
    static List<Operation> withOneReadFromTheFuture(List<Operation> history, long seed) {
        Prng prng = new Prng(seed);
        List<int[]> pairs = new ArrayList<>();
        for (int g = 0; g < history.size(); g++) {
            Operation read = history.get(g);
            if (!(read.command() instanceof Command.Get && read.outcome() instanceof Outcome.Ok)) continue;
            for (int p = 0; p < history.size(); p++) {
                Operation put = history.get(p);
                if (put.command() instanceof Command.Put && put.command().key().equals(read.command().key())
                        && put.callTime() > read.returnTime()) {
                    pairs.add(new int[] {g, p});
                }
            }
        }
        if (pairs.isEmpty()) return null;
        int[] pair = prng.pick(pairs);
        Operation read = history.get(pair[0]);
        Bytes future = ((Command.Put) history.get(pair[1]).command()).value();
        List<Operation> mutated = new ArrayList<>(history);
        mutated.set(pair[0], new Operation(read.id(), read.client(), read.command(), read.callTime(), read.returnTime(),
                new Outcome.Ok(new Result.Value(future))));
        return mutated;
    }
}
