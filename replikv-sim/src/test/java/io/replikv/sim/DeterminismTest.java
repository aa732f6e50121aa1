package io.replikv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.client.ClientConfig;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.single.SingleServerCore;
import io.replikv.core.util.Prng;
import io.replikv.sim.history.Operation;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Goal: same seed, same run — a workload under random network, disk and node faults replays
 * with an identical trace and history; a different seed gives a different run.
 */
class DeterminismTest {
    private static final long RUN_TICKS = 3_000;
    /** Every this many ticks the fault schedule may change something. */
    private static final long FAULT_PERIOD_TICKS = 40;

    private record Run(List<String> trace, long digest, long lines, List<Operation> history) {}

    private static Run run(long seed) {
        Cluster c = Cluster.builder().seed(seed)
                .servers(2, DurableKvCore.factory())
                .node(NodeId.of("s"), (id, prng, storage) -> new SingleServerCore(id))
                .clients(3, ClientFactory.core(new ClientConfig(20, 20, 120)))
                .network(new LinkSettings(0.05, 1, 6, 0.05))
                .disk(DiskSettings.delayed(0, 4).withTearOnCrash(true))
                .build();
        Prng faults = Prng.derive(seed, "test-faults");
        Prng workload = Prng.derive(seed, "test-workload");
        for (long t = 0; t < RUN_TICKS; t++) {
            if (t % FAULT_PERIOD_TICKS == 0) injectFault(c, faults);
            for (int i = 0; i < c.clients().size(); i++) {
                boolean idle = !((io.replikv.core.client.ClientNode) c.node(c.client(i))).busy();
                if (idle && workload.chance(0.3)) c.invoke(i, randomCommand(workload));
            }
            c.tick();
        }
        return new Run(c.traceLines(), c.traceDigest(), c.simulator().trace().count(), c.history());
    }

    private static void injectFault(Cluster c, Prng faults) {
        NodeId server = faults.pick(c.servers());
        switch (faults.nextInt(6)) {
            case 0 -> { if (c.alive(server)) c.crash(server); else c.restart(server); }
            case 1 -> c.partition(Set.of(c.server(0)), Set.of(c.server(1)));
            case 2 -> c.setUnreliable(server, faults.chance(0.5));
            case 3 -> c.cut(server, faults.pick(c.clients()));
            default -> {
                c.heal();
                for (NodeId s : c.servers()) if (!c.alive(s)) c.restart(s);
            }
        }
    }

    private static Command randomCommand(Prng p) {
        String key = "k" + p.nextInt(3);
        return switch (p.nextInt(4)) {
            case 0 -> Commands.get(key);
            case 1 -> Commands.put(key, "v" + p.nextInt(100));
            case 2 -> Commands.append(key, "a" + p.nextInt(10));
            default -> Commands.putHash(key, "h");
        };
    }

    @Test
    void theSameSeedReplaysIdentically() {
        Run first = run(11);
        Run second = run(11);
        assertThat(second.trace()).isEqualTo(first.trace());
        assertThat(second.digest()).isEqualTo(first.digest());
        assertThat(second.history()).isEqualTo(first.history());

        // the run was not trivial: faults happened and operations both finished and failed
        String text = String.join("\n", first.trace());
        assertThat(text).contains(" crash ", " restart ", " partition ", " drop ", " persist ", " sync ");
        assertThat(first.history()).hasSizeGreaterThan(100);
        assertThat(first.history()).filteredOn(op -> op.outcome() instanceof Outcome.Ok).isNotEmpty();
        assertThat(first.history()).filteredOn(op -> !(op.outcome() instanceof Outcome.Ok)).isNotEmpty();
    }

    @Test
    void aDifferentSeedGivesADifferentRun() {
        Run a = run(11);
        Run b = run(12);
        assertThat(b.digest()).isNotEqualTo(a.digest());
        assertThat(b.trace()).isNotEqualTo(a.trace());
        assertThat(b.history()).isNotEqualTo(a.history());
    }
}
