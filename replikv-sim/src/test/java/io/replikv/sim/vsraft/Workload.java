package io.replikv.sim.vsraft;

import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.sim.Cluster;
import io.replikv.sim.Commands;
import java.util.ArrayList;
import java.util.List;

/**
 * A background workload for failover scenarios: every idle client starts its next operation
 * (appends of unique tokens, puts and gets over three keys, in a fixed rotation) each time the
 * test ticks through {@link #tick}. Outcomes go to the cluster's history, which the test checks
 * for linearizability at the end; {@link #acknowledged()} counts the operations that succeeded.
 */
final class Workload {
    private static final String[] KEYS = {"a", "b", "c"};

    private final Cluster c;
    private final Cluster.Invocation[] inFlight;
    private final int[] issued;
    private final List<Outcome> finished = new ArrayList<>();

    Workload(Cluster c) {
        this.c = c;
        this.inFlight = new Cluster.Invocation[c.clients().size()];
        this.issued = new int[inFlight.length];
    }

    private Command next(int client) {
        int n = issued[client]++;
        String key = KEYS[(n + client) % KEYS.length];
        return switch (n % 3) {
            case 0 -> Commands.append(key, "x" + client + "." + n + " ");
            case 1 -> Commands.get(key);
            default -> Commands.put(key, "p" + client + "." + n + " ");
        };
    }

    /** Starts operations on idle clients, ticks once, collects what finished. */
    void tick() {
        for (int i = 0; i < inFlight.length; i++) {
            if (inFlight[i] == null) inFlight[i] = c.invoke(i, next(i));
        }
        c.tick();
        collect();
    }

    void ticks(long n) {
        for (long t = 0; t < n; t++) tick();
    }

    /** Ticks the workload until {@code condition} holds, at most {@code maxTicks}; fails with the seed otherwise. */
    void until(String what, java.util.function.BooleanSupplier condition, long maxTicks) {
        for (long t = 0; !condition.getAsBoolean(); t++) {
            if (t >= maxTicks) throw c.fail("'" + what + "' did not hold within " + maxTicks + " ticks");
            tick();
        }
    }

    /** Lets every operation in flight finish (no new ones start). */
    void finish(long maxTicks) {
        for (int i = 0; i < inFlight.length; i++) {
            if (inFlight[i] == null) continue;
            Cluster.Invocation inv = inFlight[i];
            c.await(inv, maxTicks);
        }
        collect();
    }

    private void collect() {
        for (int i = 0; i < inFlight.length; i++) {
            if (inFlight[i] == null || !c.done(inFlight[i])) continue;
            finished.add(c.outcome(inFlight[i]));
            inFlight[i] = null;
        }
    }

    /** Operations that finished Ok so far. */
    long acknowledged() {
        return finished.stream().filter(o -> o instanceof Outcome.Ok).count();
    }
}
