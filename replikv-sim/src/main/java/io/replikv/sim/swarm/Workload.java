package io.replikv.sim.swarm;

import io.replikv.core.client.ClientNode;
import io.replikv.core.kv.Command;
import io.replikv.core.util.Prng;
import io.replikv.sim.Cluster;
import io.replikv.sim.Commands;
import java.util.ArrayList;
import java.util.List;

/**
 * The random workload of a seed: every client runs one operation at a time over the small key
 * space k0..k{keys-1}, waiting a random think time between operations. Written values are unique
 * ("c2.17": client 2's 17th operation), so the checker can tell every write apart.
 */
final class Workload {
    private final Cluster cluster;
    private final SwarmOptions options;
    private final Prng prng;
    private final List<Cluster.Invocation> inFlight = new ArrayList<>();
    private final long[] nextInvokeAt;
    private final int[] issued;

    Workload(Cluster cluster, SwarmOptions options, Prng prng) {
        this.cluster = cluster;
        this.options = options;
        this.prng = prng;
        int n = cluster.clients().size();
        this.nextInvokeAt = new long[n];
        this.issued = new int[n];
        for (int i = 0; i < n; i++) inFlight.add(null);
    }

    static String key(int index) {
        return "k" + index;
    }

    /** Collects finished operations; if {@code invoke}, starts the next operation of every idle client whose think time is over. */
    void step(long now, boolean invoke) {
        for (int i = 0; i < inFlight.size(); i++) {
            Cluster.Invocation inv = inFlight.get(i);
            if (inv != null && cluster.done(inv)) {
                inFlight.set(i, null);
                nextInvokeAt[i] = now + (options.thinkTicksMax() == 0 ? 0 : prng.between(0, options.thinkTicksMax()));
            }
            if (invoke && inFlight.get(i) == null && now >= nextInvokeAt[i]) invoke(i, randomCommand(i));
        }
    }

    /** Starts {@code command} on client {@code index}, which must be idle. */
    void invoke(int index, Command command) {
        issued[index]++;
        inFlight.set(index, cluster.invoke(index, command));
    }

    boolean idle(int index) {
        Cluster.Invocation inv = inFlight.get(index);
        return inv == null || cluster.done(inv);
    }

    boolean allIdle() {
        for (int i = 0; i < inFlight.size(); i++) if (!idle(i)) return false;
        return true;
    }

    /** The invocation of client {@code index}'s latest operation, or null if it never ran one since it was last collected. */
    Cluster.Invocation latest(int index) {
        return inFlight.get(index);
    }

    private Command randomCommand(int client) {
        String key = key(prng.nextInt(options.keys()));
        String value = "c" + (client + 1) + "." + issued[client];
        return switch (options.mix().draw(prng)) {
            case GET -> Commands.get(key);
            case PUT -> Commands.put(key, value);
            case APPEND -> Commands.append(key, value + ";");
            case PUT_HASH -> Commands.putHash(key, value);
            case DELETE -> Commands.delete(key);
        };
    }

    /** What every busy client waits for, one line each. */
    List<String> waiting() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < inFlight.size(); i++) {
            if (idle(i)) continue;
            var op = cluster.simulator().history().operation(inFlight.get(i).operationId());
            var node = cluster.node(cluster.client(i));
            String busy = node instanceof ClientNode c ? " busy=" + c.busy() : "";
            out.add(cluster.client(i) + " waits for op" + op.id() + " " + op.command() + " since tick " + op.callTime()
                    + busy + " status=" + node.status().leader() + " " + node.status().details());
        }
        return out;
    }
}
