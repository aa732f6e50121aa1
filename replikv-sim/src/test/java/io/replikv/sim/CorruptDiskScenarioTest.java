package io.replikv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.client.ClientConfig;
import io.replikv.core.client.Outcome;
import io.replikv.core.pb.PbClientConfig;
import io.replikv.core.pb.PbClientCore;
import io.replikv.core.pb.PbConfig;
import io.replikv.core.pb.PbServerCore;
import io.replikv.core.raft.RaftConfig;
import io.replikv.core.raft.RaftKvServer;
import io.replikv.core.twophase.GroupViewCore;
import io.replikv.core.twophase.TwoPcConfig;
import io.replikv.core.twophase.TwoPcReplicaCore;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.viewservice.ViewServiceCore;
import io.replikv.sim.check.CheckResult;
import io.replikv.sim.check.LinearizabilityChecker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Goal: what each mode does when one server's disk holds a corrupt record (found at its restart,
 * which the simulator then refuses). Raft: the server stays down for good — restarted empty it
 * would forget its vote — and the other two serve. pb and 2pc: the operator's remedy, an empty
 * disk, is safe because another server holds every acknowledged write; the wiped server rejoins
 * through a state transfer. In every case clients append unique values throughout, every
 * acknowledged append is in the final value exactly once, and the history is linearizable. The
 * disks tear and sync slowly; seeds replay exactly.
 */
class CorruptDiskScenarioTest {
    static final DiskSettings TORN_SLOW_DISK = DiskSettings.delayed(1, 4).withTearOnCrash(true);
    static final long OPERATION_TICKS_MAX = 3_000;
    static final NodeId VS = NodeId.of("vs");
    static final int CLIENTS = 3;

    /** Clients appending "cI.N " to k one at a time; the acknowledged ones are remembered. */
    private static final class Appenders {
        final Cluster c;
        final Cluster.Invocation[] inFlight = new Cluster.Invocation[CLIENTS];
        final int[] next = new int[CLIENTS];
        final String[] value = new String[CLIENTS];
        final List<String> acknowledged = new ArrayList<>();

        Appenders(Cluster c) {
            this.c = c;
        }

        void run(long ticks) {
            for (long t = 0; t < ticks; t++) {
                for (int i = 0; i < CLIENTS; i++) {
                    collect(i);
                    if (inFlight[i] != null) continue;
                    value[i] = "c" + i + "." + next[i]++ + " ";
                    inFlight[i] = c.invoke(i, Commands.append("k", value[i]));
                }
                c.tick();
            }
        }

        void finish() {
            for (int i = 0; i < CLIENTS; i++) {
                if (inFlight[i] != null) c.await(inFlight[i], OPERATION_TICKS_MAX);
                collect(i);
            }
        }

        private void collect(int i) {
            if (inFlight[i] == null || !c.done(inFlight[i])) return;
            if (c.outcome(inFlight[i]) instanceof Outcome.Ok) acknowledged.add(value[i]);
            inFlight[i] = null;
        }

        /** Every acknowledged append is in k exactly once; the history is linearizable. */
        void check(int readerClient) {
            String value = c.get(readerClient, "k", OPERATION_TICKS_MAX);
            assertThat(acknowledged).as("writes acknowledged; %s", c.seedHint()).hasSizeGreaterThan(10);
            for (String a : acknowledged) {
                int at = value.indexOf(a);
                assertThat(at).as("acknowledged %s in %s; %s", a, value, c.seedHint()).isNotNegative();
                assertThat(value.indexOf(a, at + 1)).as("%s once; %s", a, c.seedHint()).isNegative();
            }
            CheckResult r = LinearizabilityChecker.check(c.history());
            assertThat(r.verdict()).as("%s; %s", r.report(), c.seedHint()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
        }
    }

    /** Corrupts a record with records after it on the crashed node's disk, so that its restart is refused. */
    private static void corruptAMiddleRecord(Cluster c, NodeId node) {
        long records = c.disk(node).records();
        assertThat(records).as("records on %s's disk", node).isGreaterThanOrEqualTo(2);
        assertThat(c.corrupt(node, 1 + c.seed() % (records - 1))).isTrue();
        c.restart(node);
        assertThat(c.alive(node)).as(c.seedHint()).isFalse();
        assertThat(c.restartRefusal(node)).startsWith("corrupt record ").contains("in node " + node + "'s disk");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void raftLeavesTheCorruptServerDownAndTheOtherTwoServe(long seed) {
        List<NodeId> ids = Cluster.serverIds(3);
        Cluster c = Cluster.builder().seed(seed)
                .servers(3, (id, prng, storage) -> new RaftKvServer(id, ids, storage, prng,
                        RaftConfig.DEFAULT.withSnapshotThresholds(seed % 2 == 0 ? 15 : 0, 0)))
                .clients(CLIENTS + 1, ClientFactory.core(new ClientConfig(30, 10, 0)))
                .network(LinkSettings.delayed(1, 3)).disk(TORN_SLOW_DISK).build();
        Appenders load = new Appenders(c);
        load.run(300);
        NodeId leader = null;
        for (NodeId id : ids) if (c.node(id, RaftKvServer.class).core().isLeader()) leader = id;
        NodeId victim = leader != null && seed % 3 != 0 ? leader : ids.get((int) (seed % 3));
        c.crash(victim);
        load.run(50);
        corruptAMiddleRecord(c, victim);
        load.run(400);
        // one of the other two crashes and returns: the cluster stops meanwhile, and resumes
        NodeId other = ids.stream().filter(id -> !id.equals(victim)).toList().get((int) (seed % 2));
        c.crash(other);
        load.run(60);
        c.restart(other);
        load.run(300);
        load.finish();
        load.check(CLIENTS);
        assertThat(c.alive(victim)).isFalse();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void pbWipesTheCorruptServerWhichRejoinsByStateTransfer(long seed) {
        PbConfig config = PbConfig.DEFAULT.withSnapshotLogEntries(seed % 2 == 0 ? 7 : 10_000);
        Cluster c = Cluster.builder().seed(seed)
                .servers(3, (id, prng, storage) -> new PbServerCore(id, VS, config, storage))
                .node(VS, (id, prng, storage) -> new ViewServiceCore(id, ViewServiceConfig.DEFAULT.withBackupsMax(2), storage))
                .clients(CLIENTS + 1, (id, known, prng) -> new PbClientCore(id, VS, prng, PbClientConfig.DEFAULT))
                .clientServers(List.of(VS))
                .network(LinkSettings.delayed(1, 2)).disk(TORN_SLOW_DISK).build();
        Appenders load = new Appenders(c);
        c.tickUntil("a stable view of three", () -> stablePbView(c, 2), 2_000);
        load.run(300);
        View before = c.node(VS, ViewServiceCore.class).view();
        // the primary in odd seeds, a backup in even ones
        NodeId victim = seed % 2 == 1 ? before.primary() : before.backups().getFirst();
        c.crash(victim);
        load.run(30);
        corruptAMiddleRecord(c, victim);
        load.run(100);
        c.wipeAndRestart(victim);
        assertThat(c.alive(victim)).isTrue();
        c.tickUntil("the wiped server is a synced backup again", () -> stablePbView(c, 2), 3_000);
        load.run(300);
        load.finish();
        load.check(CLIENTS);
        c.tickUntil("the backups caught up", () -> {
            View v = c.node(VS, ViewServiceCore.class).view();
            long applied = c.node(v.primary(), PbServerCore.class).stateMachine().digest();
            return v.backups().stream().allMatch(b -> c.node(b, PbServerCore.class).stateMachine().digest() == applied);
        }, 500);
    }

    private static boolean stablePbView(Cluster c, int backups) {
        ViewServiceCore vs = c.node(VS, ViewServiceCore.class);
        View v = vs.view();
        if (!vs.acknowledged() || v.primary() == null || v.backups().size() != backups) return false;
        for (NodeId m : v.members()) if (!c.alive(m) || !c.node(m, PbServerCore.class).synced()) return false;
        return true;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void twoPcWipesTheCorruptReplicaWhichRejoinsByStateTransfer(long seed) {
        List<NodeId> peers = Cluster.serverIds(3);
        TwoPcConfig config = new TwoPcConfig(5, 4, 20, 10, 10, 8, 64, 256);
        Cluster c = Cluster.builder().seed(seed)
                .servers(3, (id, prng, storage) -> new TwoPcReplicaCore(id, peers, VS, config, prng, storage))
                .node(VS, (id, prng, storage) -> new GroupViewCore(id, peers, config, storage))
                .clients(CLIENTS + 1, ClientFactory.core(new ClientConfig(40, 10, 0)))
                .network(LinkSettings.RELIABLE).disk(TORN_SLOW_DISK).build();
        Appenders load = new Appenders(c);
        c.tickUntil("the first view of three", () -> installed(c, peers), 500);
        load.run(300);
        NodeId victim = peers.get((int) (seed % 3));
        c.crash(victim);
        load.run(30);
        corruptAMiddleRecord(c, victim);
        load.run(100);
        c.wipeAndRestart(victim);
        c.tickUntil("the wiped replica is a member again", () -> installed(c, peers), 1_000);
        load.run(300);
        load.finish();
        load.check(CLIENTS);
        c.tickUntil("the replicas agree", () -> peers.stream()
                .map(id -> c.node(id, TwoPcReplicaCore.class).stateMachine().digest()).distinct().count() == 1, 500);
    }

    private static boolean installed(Cluster c, List<NodeId> members) {
        var v = c.node(VS, GroupViewCore.class).view();
        if (!v.members().equals(members)) return false;
        for (NodeId m : members) {
            TwoPcReplicaCore r = c.node(m, TwoPcReplicaCore.class);
            if (!c.alive(m) || !r.member() || r.view().number() != v.number()) return false;
        }
        return true;
    }
}
