package io.replikv.core.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.util.Prng;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Goal: safety under everything at once, then liveness after healing. Per seed: 5 cores, message
 * loss and reordering, and every 40 ticks a random fault (crash, restart, partition, heal) while
 * commands are proposed at whoever leads; Election Safety and State Machine Safety are checked
 * after every step. Then the network heals, every node restarts, and one more command must commit
 * on all five. Half the seeds snapshot every 7 entries, so InstallSnapshot and restarts from
 * snapshots are in the mix. A failure names its seed.
 */
class RaftChurnTest {
    /** Seeds 1..16 by default; -Draft.churn.seeds=N runs 1..N (a longer soak, same determinism). */
    static java.util.stream.LongStream seeds() {
        return java.util.stream.LongStream.rangeClosed(1, Long.getLong("raft.churn.seeds", 16));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void safeUnderChurnAndLiveAfterHealing(long seed) {
        RaftCluster c = new RaftCluster(seed, 5, RaftConfig.DEFAULT, seed % 2 == 0 ? 7 : 0);
        Prng prng = Prng.derive(seed, "faults");
        c.net.dropRate = 0.05 + prng.nextDouble() * 0.15;
        c.net.maxDelayTicks = 1 + prng.nextInt(6);
        List<NodeId> ids = c.net.ids;
        int proposed = 0;
        for (int step = 0; step < 3000; step++) {
            if (step % 40 == 0) fault(c, prng, ids);
            if (prng.chance(0.3)) {
                for (NodeId id : c.net.live()) {
                    if (c.core(id).isLeader()) c.propose(id, "v" + proposed++);
                }
            }
            c.net.tick();
        }
        c.net.heal();
        c.net.dropRate = 0;
        for (NodeId id : ids) c.net.restart(id);
        assertThat(c.awaitLeader(40 * RaftConfig.DEFAULT.electionTimeoutTicks())).as("seed %d", seed).isNotNull();
        long index = c.one("final", 5, 60 * RaftConfig.DEFAULT.electionTimeoutTicks());
        assertThat(index).as("seed %d: final command committed on all 5", seed).isPositive();
        List<String> first = c.node(ids.getFirst()).commands();
        for (NodeId id : ids) assertThat(c.node(id).commands()).as("seed %d node %s", seed, id).isEqualTo(first);
    }

    private static void fault(RaftCluster c, Prng prng, List<NodeId> ids) {
        NodeId victim = prng.pick(ids);
        switch (prng.nextInt(5)) {
            case 0 -> {
                if (c.net.live().size() > 3) c.net.crash(victim);
            }
            case 1 -> {
                for (NodeId id : ids) if (!c.net.alive(id)) c.net.restart(id);
            }
            case 2 -> c.net.isolate(victim);
            case 3 -> {
                List<NodeId> shuffled = new ArrayList<>(ids);
                for (int i = shuffled.size() - 1; i > 0; i--) {
                    int j = prng.nextInt(i + 1);
                    NodeId t = shuffled.get(i);
                    shuffled.set(i, shuffled.get(j));
                    shuffled.set(j, t);
                }
                c.net.partition(List.of(shuffled.subList(0, 2), shuffled.subList(2, 5)));
            }
            default -> c.net.heal();
        }
    }
}
