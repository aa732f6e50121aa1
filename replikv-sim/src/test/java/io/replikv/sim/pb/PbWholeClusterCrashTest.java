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
import io.replikv.sim.Cluster;
import io.replikv.sim.Commands;
import io.replikv.sim.DiskSettings;
import io.replikv.sim.LinkSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mode pb survives every process being killed at once (docs/pb.md, "Whole-cluster crash"): the
 * servers journal every update before they acknowledge it, the view service persists its views,
 * and after the crash the service resumes only with a primary whose recovered data provably
 * holds every acknowledged write ({@code viewservice.RecoveryRule}). The disks lose what was not
 * synced and, torn, keep a random prefix of it; syncs take a few ticks, so messages wait for them.
 * Every history is checked linearizable, every acknowledged append must be present exactly once.
 * Seeds replay exactly.
 *
 * <p>Each scenario runs with the single view service and with a replicated one of three members
 * (a {@code ReplicatedNode} over the same {@code ViewServiceCore}), all of whose members crash
 * with the servers: its log holds the inputs, so its copies come back exactly where they were.
 * {@code -Dpb.crash.seeds=N} runs N seeds of the random scenario for each (12 by default).
 */
class PbWholeClusterCrashTest {
    /** Updates between snapshots: small, so compaction and replay after a snapshot are exercised. */
    static final long SNAPSHOT_LOG_ENTRIES = 7;
    static final DiskSettings TORN_SLOW_DISK = DiskSettings.delayed(1, 8).withTearOnCrash(true);

    static Stream<Arguments> seeds() {
        return IntStream.of(1, 3).boxed().flatMap(members -> LongStream.rangeClosed(1, Long.getLong("pb.crash.seeds", 12))
                .mapToObj(seed -> Arguments.of(members, seed)));
    }

    private static PbSim sim(int viewServiceMembers, long seed, int backups, LinkSettings network) {
        return new PbSim(viewServiceMembers, seed, backups, 4, id -> PbClientConfig.DEFAULT, network, TORN_SLOW_DISK,
                PbConfig.DEFAULT.withSnapshotLogEntries(SNAPSHOT_LOG_ENTRIES));
    }

    /**
     * Three clients append while every node (view service included) is crashed at one tick; the
     * nodes come back one by one in a seed-chosen order and at seed-chosen times, the view service
     * anywhere in that order. Afterwards every acknowledged append is there exactly once, in
     * order, the history is linearizable, the members agree and the service takes writes.
     */
    @ParameterizedTest(name = "view service members {0}, seed {1}")
    @MethodSource("seeds")
    void everyAcknowledgedWriteSurvivesCrashingEveryNodeAtOnce(int viewServiceMembers, long seed) {
        Prng choices = Prng.derive(seed, "whole-crash");
        LinkSettings network = seed % 3 == 0 ? LinkSettings.delayed(1, 3).withDrop(0.01) : LinkSettings.RELIABLE;
        PbSim p = sim(viewServiceMembers, seed, 1 + (int) (seed % 2), network);
        int servers = 3;
        for (int n = 1; n <= servers; n++) p.start(n);
        p.pollView(v -> v.backups().size() == p.backups, 3 * SECOND);
        p.poll(p::stable, 3 * SECOND);

        List<NodeId> nodes = new ArrayList<>(p.viewServices);
        for (int n = 1; n <= servers; n++) nodes.add(PbSim.s(n));
        long crashAt = 3 * SECOND + choices.nextLong(5 * SECOND);
        TreeMap<Long, NodeId> restarts = new TreeMap<>();
        List<NodeId> order = new ArrayList<>(nodes);
        for (int i = order.size() - 1; i > 0; i--) order.set(i, order.set(choices.nextInt(i + 1), order.get(i)));
        long at = crashAt + 1 + choices.nextLong(SECOND);
        for (NodeId n : order) {
            restarts.put(at, n);
            at += 1 + choices.nextLong(2 * SECOND);
        }

        List<List<List<Outcome>>> outcomes = List.of(perClient(), perClient());
        List<PbSim.Loop> loops = new ArrayList<>();
        for (int i = 0; i < 3; i++) loops.add(appender(i, outcomes));
        p.runConcurrently(loops, at + 3 * SECOND, 0, t -> {
            if (t == crashAt) {
                assertThat(acknowledged(outcomes)).as("writes before the crash; %s", p.c.seedHint()).isPositive();
                for (NodeId n : nodes) p.c.crash(n);
            }
            NodeId back = restarts.get(t);
            if (back != null) p.c.restart(back);
        });
        for (int key = 0; key < 2; key++) {
            String value = p.c.get(3, "k" + key, OPERATION_TICKS_MAX);
            PbSim.checkAppends(value, outcomes.get(key), p.c.seedHint());
        }
        p.poll(p::stable, 5 * SECOND);
        p.checkReplicasAgree();
        p.put(3, "after", "crash");
        p.check(3, "after", "crash");
        assertThat(p.viewsRecoveredSeen()).as("resumed by the recovery rule; %s", p.c.seedHint()).isPositive();
        p.checkLinearizable();
    }

    /**
     * s1 primary, s2 backup; s2 dies and s3 takes its place, and more writes are acknowledged. Then
     * everything crashes, and only the view service and s2 come back: s2's disk holds a synced
     * state of an older view, without the latest writes, so the service must not resume with it —
     * no write or read completes, and the view service says whom it waits for. When s3 returns,
     * the service resumes from s3's disk with every acknowledged write.
     */
    @ParameterizedTest(name = "view service members {0}")
    @ValueSource(ints = {1, 3})
    void aServerWithOlderDataDoesNotResumeTheService(int viewServiceMembers) {
        PbSim p = sim(viewServiceMembers, 7, 1, LinkSettings.RELIABLE);
        p.start(1);
        p.pollView(v -> v.primary() != null, SECOND);
        p.start(2);
        p.start(3);
        p.pollView(v -> v.backups().equals(List.of(PbSim.s(2))), 2 * SECOND);
        p.poll(p::stable, 2 * SECOND);
        p.put(0, "a", "1");
        p.kill(PbSim.s(2));
        p.pollView(v -> v.backups().equals(List.of(PbSim.s(3))), 3 * SECOND);
        p.poll(p::stable, 2 * SECOND);
        p.put(0, "a", "2");
        p.put(0, "b", "x");
        long lastView = p.view().number();

        p.crashViewService();
        p.c.crash(PbSim.s(1)).crash(PbSim.s(3));
        p.restartViewService();
        p.start(2);
        Cluster.Invocation read = p.c.invoke(1, Commands.get("a"));
        Cluster.Invocation write = p.c.invoke(2, Commands.put("c", "no"));
        p.sleep(5 * SECOND);
        assertThat(p.c.done(read)).as("a read served from older data").isFalse();
        assertThat(p.c.done(write)).as("a write served on older data").isFalse();
        assertThat(p.view().number()).isEqualTo(lastView);
        assertThat(p.vs().status().details().get("waitingFor"))
                .isEqualTo("s1 or s3 (members of view " + lastView + ") to return with their data");
        assertThat(p.server(PbSim.s(2)).status().details().get("recovered")).as("%s", p.server(PbSim.s(2)).status()).startsWith("synced member of view ");

        p.start(3);
        p.poll(() -> p.c.done(read) && p.c.done(write), 5 * SECOND);
        assertThat(Commands.valueOf(p.c.outcome(read))).isEqualTo("2");
        assertThat(p.view().primary()).isEqualTo(PbSim.s(3));
        assertThat(p.vs().status().details()).doesNotContainKey("waitingFor");
        p.check(0, "b", "x");
        p.check(0, "c", "no");
        p.checkLinearizable();
    }

    /**
     * Only the view service restarts: it resumes with its persisted view and the same primary,
     * which goes on serving; nothing is lost and no view is spent.
     */
    @ParameterizedTest(name = "view service members {0}")
    @ValueSource(ints = {1, 3})
    void aRestartedViewServiceKeepsItsViewAndPrimary(int viewServiceMembers) {
        PbSim p = sim(viewServiceMembers, 3, 1, LinkSettings.RELIABLE);
        for (int n = 1; n <= 3; n++) p.start(n);
        p.pollView(PbSim::hasPrimaryAndBackup, 2 * SECOND);
        p.poll(p::stable, 2 * SECOND);
        p.put(0, "k", "before");
        var before = p.view();
        p.crashViewService();
        p.sleep(SECOND / 2);
        p.restartViewService();
        p.sleep(2 * SECOND);
        assertThat(p.view()).isEqualTo(before);
        p.check(1, "k", "before");
        p.put(1, "k", "after");
        p.check(0, "k", "after");
        p.checkLinearizable();
    }

    /**
     * The primary alone restarts while its backup is down too: before durability the service was
     * stuck for good; now the primary's disk qualifies, it becomes primary of the next view with
     * its recovered state, and the backup, when it returns, rejoins through a state transfer.
     */
    @ParameterizedTest(name = "view service members {0}")
    @ValueSource(ints = {1, 3})
    void aRestartedPrimaryWithoutBackupResumesFromItsDisk(int viewServiceMembers) {
        PbSim p = sim(viewServiceMembers, 5, 1, LinkSettings.RELIABLE);
        p.start(1);
        p.pollView(v -> v.primary() != null, SECOND);
        p.start(2);
        p.pollView(PbSim::hasPrimaryAndBackup, 2 * SECOND);
        p.poll(p::stable, 2 * SECOND);
        for (int i = 0; i < 20; i++) p.append(0, "log", i + ",");
        p.kill(PbSim.s(1));
        p.kill(PbSim.s(2));
        p.start(1);
        p.pollView(v -> v.primary().equals(PbSim.s(1)) && p.server(PbSim.s(1)).serving(), 3 * SECOND);
        p.start(2);
        p.pollView(v -> v.backups().equals(List.of(PbSim.s(2))), 3 * SECOND);
        p.poll(p::stable, 3 * SECOND);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 20; i++) expected.append(i).append(',');
        p.check(1, "log", expected.toString());
        p.checkReplicasAgree();
        p.checkLinearizable();
    }

    private static long acknowledged(List<List<List<Outcome>>> outcomes) {
        return outcomes.stream().flatMap(List::stream).flatMap(List::stream).filter(o -> o instanceof Outcome.Ok).count();
    }

    private static List<List<Outcome>> perClient() {
        return List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    /** Client i appends "x i n y" to key k0 or k1 in turn (the shape {@link PbSim#checkAppends} checks). */
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
