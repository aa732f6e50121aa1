package io.replikv.sim.vsraft;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.replicated.ReplicatedConfig;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceMessage;
import io.replikv.sim.DiskSettings;
import io.replikv.sim.LinkSettings;
import io.replikv.core.pb.PbConfig;
import org.junit.jupiter.api.Test;

/**
 * What input replication changes for the pb view service (ReplicatedNode over ViewServiceCore), checked under a workload (every history
 * linearizable, every acknowledged write kept, the service stable again afterwards):
 * <ul>
 *   <li><b>Pings out of order.</b> A ping a server sent to one member can reach the leader after
 *       the pings it sent later to another (a member that stalled, then relayed): the view service
 *       then sees an old 0 after newer numbers, or an old number after a restart's 0. These are
 *       orders a single view service could see from the network too; an old 0 is taken for a
 *       restart, which only ever takes a server out of its role (as a false death does), and an old
 *       number after a restart's 0 leaves the restart recorded. The stale pings are handed to a
 *       follower directly, as if they had just arrived there.</li>
 *   <li><b>Compaction restarts the service.</b> Every N entries every copy is rebuilt from the
 *       service's storage, as after a crash: with N = 20 (a restart every half second or so) the
 *       service neither changes views nor waits for recovery claims while every server is alive,
 *       and still fails over when the primary dies.</li>
 * </ul>
 */
class ReplicatedVsInputOrderTest {
    private static final long SECOND = VsRaftPbSim.SECOND;

    private static VsRaftPbSim started(long seed, ReplicatedConfig replicated) {
        VsRaftPbSim p = new VsRaftPbSim(seed, 3, 1, 3, LinkSettings.RELIABLE, DiskSettings.IMMEDIATE,
                PbConfig.DEFAULT, replicated);
        p.awaitLeader();
        for (int n = 1; n <= 3; n++) p.start(n);
        p.awaitStable("the first views settle", 10 * SECOND);
        p.c.tickUntil("s3 is idle and known", () -> p.view().backups().size() == 1, SECOND);
        return p;
    }

    private static NodeId follower(VsRaftPbSim p) {
        NodeId leader = p.awaitLeader();
        return p.viewServices.stream().filter(m -> !m.equals(leader)).findFirst().orElseThrow();
    }

    /** Hands {@code ping} from {@code server} to {@code member}, as if it arrived there now (it leaves at the member's next tick). */
    private static void deliverLate(VsRaftPbSim p, NodeId member, NodeId server, ViewServiceMessage.Ping ping) {
        p.member(member).onMessage(server, ping);
    }

    private static void settleAndCheck(VsRaftPbSim p, Workload w) {
        w.until("the service is stable again", p::stable, 10 * SECOND);
        long acked = w.acknowledged();
        w.ticks(SECOND);
        assertThat(w.acknowledged()).as("it serves; %s", p.c.seedHint()).isGreaterThan(acked);
        w.finish(30 * SECOND);
        p.checkLinearizable();
    }

    /** An old 0 of the backup, after it pinged the view: it loses its place as a restarted server would, and comes back. */
    @Test
    void anOldZeroOfTheBackupAfterNewerPings() {
        VsRaftPbSim p = started(21, ReplicatedConfig.DEFAULT);
        Workload w = new Workload(p.c);
        w.ticks(SECOND);
        View before = p.view();
        NodeId backup = before.backups().getFirst();
        deliverLate(p, follower(p), backup, new ViewServiceMessage.Ping(0));
        w.ticks(SECOND);
        // as a single view service would: the backup counts as restarted and leaves its role
        assertThat(p.view().number()).as("%s", p.c.seedHint()).isGreaterThan(before.number());
        assertThat(p.view().primary()).isEqualTo(before.primary());
        settleAndCheck(p, w);
    }

    /** An old 0 of the primary, after it acknowledged the view: the backup takes over, as after a false death. */
    @Test
    void anOldZeroOfThePrimaryAfterNewerPings() {
        VsRaftPbSim p = started(22, ReplicatedConfig.DEFAULT);
        Workload w = new Workload(p.c);
        w.ticks(SECOND);
        View before = p.view();
        deliverLate(p, follower(p), before.primary(), new ViewServiceMessage.Ping(0));
        w.ticks(SECOND);
        assertThat(p.view().primary()).as("%s", p.c.seedHint()).isEqualTo(before.backups().getFirst());
        settleAndCheck(p, w);
    }

    /**
     * The primary restarts (its 0 is recorded and the backup takes over); then an old ping of its
     * previous life, with the old view's number, arrives. It must not undo the restart: the server
     * is no primary, and when it comes back as a backup it gets the whole state.
     */
    @Test
    void anOldNumberOfTheRestartedPrimaryAfterItsZero() {
        VsRaftPbSim p = started(23, ReplicatedConfig.DEFAULT);
        Workload w = new Workload(p.c);
        w.ticks(SECOND);
        View before = p.view();
        NodeId primary = before.primary();
        p.c.crash(primary);
        p.c.restart(primary);
        w.until("the backup took over", () -> p.view().number() > before.number()
                && !p.view().isPrimary(primary), 5 * SECOND);
        deliverLate(p, follower(p), primary, new ViewServiceMessage.Ping(before.number()));
        w.ticks(SECOND);
        assertThat(p.view().primary()).as("%s", p.c.seedHint()).isNotEqualTo(primary);
        settleAndCheck(p, w);
    }

    /**
     * Compaction every 20 entries: the inner service restarts about twice a second. With every
     * server alive nothing changes (no view, no wait for claims); when the primary dies the backup
     * still takes over, and the service goes on through more compactions.
     */
    @Test
    void frequentCompactionsNeitherChangeViewsNorStopFailover() {
        VsRaftPbSim p = started(24, ReplicatedConfig.DEFAULT.withCompactionIntervalEntries(20));
        Workload w = new Workload(p.c);
        View before = p.view();
        long compactions = compactions(p);
        for (long t = 0; t < 5 * SECOND; t++) {
            w.tick();
            for (NodeId m : p.viewServices) {
                assertThat(p.inner(m).status().details()).as("%s at %d; %s", m, p.c.now(), p.c.seedHint())
                        .doesNotContainKey("waitingFor");
            }
        }
        assertThat(compactions(p) - compactions).as("compactions in 5 s").isGreaterThanOrEqualTo(5);
        assertThat(p.view()).as("no view change while all live; %s", p.c.seedHint()).isEqualTo(before);
        assertThat(p.stable()).isTrue();
        p.c.crash(before.primary());
        w.until("the backup took over", () -> p.stable() && p.view().isPrimary(before.backups().getFirst()), 10 * SECOND);
        p.start(Integer.parseInt(before.primary().name().substring(1))); // idle: the view is full
        View second = p.view();
        w.ticks(SECOND);
        p.c.crash(second.primary());
        w.until("the second backup took over with the old primary as its backup", () -> p.stable()
                && p.view().isPrimary(second.backups().getFirst()) && p.view().isBackup(before.primary()), 10 * SECOND);
        settleAndCheck(p, w);
    }

    private static long compactions(VsRaftPbSim p) {
        return p.member(p.awaitLeader()).compactions();
    }
}
