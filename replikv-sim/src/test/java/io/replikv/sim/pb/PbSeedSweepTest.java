package io.replikv.sim.pb;

import static io.replikv.sim.pb.PbSim.OPERATION_TICKS_MAX;
import static io.replikv.sim.pb.PbSim.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.pb.PbClientConfig;
import io.replikv.core.pb.PbConfig;
import io.replikv.core.util.Prng;
import io.replikv.sim.Commands;
import io.replikv.sim.DiskSettings;
import io.replikv.sim.LinkSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Beyond the original suite: seeded runs with faults the original never made — every link
 * (the view service's too) delays 1–4 ticks, reorders, duplicates and loses messages; servers
 * are crashed and restarted at random times and flagged unreliable at random; one or two
 * backups. Three clients append to two keys. Afterwards (faults healed) every acknowledged append
 * is present exactly once and in per-client order, an indefinite one at most once, the members
 * agree, and the service still makes progress. The seed is in the test name and replays exactly.
 * Each seed runs with the single view service and with a 3-member replicated one.
 */
class PbSeedSweepTest {
    static Stream<Arguments> seeds() {
        return IntStream.of(1, 3).boxed().flatMap(members -> LongStream.rangeClosed(1, 16)
                .mapToObj(seed -> Arguments.of(members, seed)));
    }

    @ParameterizedTest(name = "view service members {0}, seed {1}")
    @MethodSource("seeds")
    void appendsSurviveRandomFaults(int viewServiceMembers, long seed) {
        LinkSettings network = LinkSettings.delayed(1, 4).withDrop(0.02).withDuplicate(0.02);
        PbSim p = new PbSim(viewServiceMembers, seed, 1 + (int) (seed % 2), 4, id -> PbClientConfig.DEFAULT, network,
                DiskSettings.IMMEDIATE, PbConfig.DEFAULT);
        Prng faults = Prng.derive(seed, "faults");
        int servers = 3 + (int) (seed % 2);
        p.sleep(SECOND);
        for (int n = 1; n <= servers; n++) p.start(n);
        p.pollView(v -> v.backups().size() == p.backups, 3 * SECOND);

        List<List<List<Outcome>>> outcomes = List.of(perClient(), perClient());
        List<PbSim.Loop> loops = new ArrayList<>();
        for (int i = 0; i < 3; i++) loops.add(appender(i, outcomes));
        List<NodeId> down = new ArrayList<>();
        p.runConcurrently(loops, 30 * SECOND, 0, t -> {
            // one server down at a time, and only once the view is stable again: killing the
            // last server holding the state would stop the service for good, by design
            if (down.isEmpty() && p.stable() && faults.chance(0.01)) {
                NodeId victim = PbSim.s(1 + faults.nextInt(servers));
                p.kill(victim);
                down.add(victim);
            } else if (!down.isEmpty() && faults.chance(0.01)) {
                NodeId back = down.removeFirst();
                p.start(Integer.parseInt(back.name().substring(1)));
                p.c.setUnreliable(back, faults.chance(0.3));
            }
        }, () -> {
            for (NodeId d : down) p.start(Integer.parseInt(d.name().substring(1)));
            for (int n = 1; n <= servers; n++) p.c.setUnreliable(PbSim.s(n), false);
            p.c.heal();
        });
        for (int key = 0; key < 2; key++) {
            String value = p.c.get(3, "k" + key, OPERATION_TICKS_MAX);
            PbSim.checkAppends(value, outcomes.get(key), p.c.seedHint());
        }
        p.sleep(SECOND);
        p.checkReplicasAgree();
        p.put(3, "after", "faults");
        p.check(3, "after", "faults");
        long acknowledged = outcomes.stream().flatMap(List::stream).flatMap(List::stream)
                .filter(o -> o instanceof Outcome.Ok).count();
        assertThat(acknowledged).as("progress under faults; %s", p.c.seedHint()).isGreaterThan(50);
        p.checkLinearizable();
    }

    private static List<List<Outcome>> perClient() {
        return List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    /** Client i appends "x i n y" to key k0 or k1 in turn; n counts per key, so the checker applies per key. */
    private static PbSim.Loop appender(int client, List<List<List<Outcome>>> outcomes) {
        return new PbSim.Loop() {
            final int[] next = new int[2];
            int key;

            @Override
            public Command next() {
                key = 1 - key;
                return Commands.append("k" + key, "x " + client + " " + next[key]++ + " y");
            }

            @Override
            public void done(Command command, Outcome outcome) {
                outcomes.get(key).get(client).add(outcome);
            }
        };
    }
}
