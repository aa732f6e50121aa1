package io.replikv.sim.vsraft;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.viewservice.View;
import io.replikv.sim.LinkSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Mode pb over a three-member replicated view service, in failures the single view service could
 * not survive: its leader crashed in the middle of a failover, a minority of it cut off, its
 * majority lost and returned. A workload runs throughout; every history must be linearizable and
 * the cluster must end in an acknowledged view served by a synced primary.
 */
class VsRaftPbFailoverTest {
    private static final long SECOND = VsRaftPbSim.SECOND;

    private static VsRaftPbSim started(long seed) {
        VsRaftPbSim p = new VsRaftPbSim(seed, 3, 1, 3, LinkSettings.RELIABLE);
        p.awaitLeader();
        for (int n = 1; n <= 3; n++) p.start(n);
        p.awaitStable("the first views settle", 10 * SECOND);
        p.c.tickUntil("s3 is a live idle server the leader knows", () -> p.view().backups().size() == 1, SECOND);
        return p;
    }

    /**
     * The primary dies; the view-service leader commits the view that promotes the backup and dies
     * itself before the new primary acknowledged it. The next leader must carry that committed view
     * on (not invent another), take the acknowledgement, and go on changing views.
     */
    @Test
    void leaderCrashedBeforeTheNewViewIsAcknowledged() {
        VsRaftPbSim p = started(11);
        Workload w = new Workload(p.c);
        w.ticks(SECOND);
        View before = p.view();
        NodeId vsLeader = p.leader();
        p.c.crash(before.primary());
        w.until("the leader commits a new view", () -> p.memberView(vsLeader).number() > before.number(), 5 * SECOND);
        assertThat(p.memberAcknowledged(vsLeader)).as("crashed before the acknowledgement; %s", p.c.seedHint()).isFalse();
        View promoted = p.memberView(vsLeader);
        p.c.crash(vsLeader);
        w.until("a new leader", () -> p.leader() != null, 5 * SECOND);
        w.until("the promoted view is acknowledged and served", p::stable, 10 * SECOND);
        View now = p.view();
        assertThat(now.number()).as("%s", p.c.seedHint()).isGreaterThanOrEqualTo(promoted.number());
        assertThat(now.primary()).isEqualTo(promoted.primary());
        assertThat(promoted.primary()).isEqualTo(before.backups().getFirst());
        long ackedBefore = w.acknowledged();
        w.ticks(2 * SECOND);
        assertThat(w.acknowledged()).as("the new primary serves; %s", p.c.seedHint()).isGreaterThan(ackedBefore);
        p.c.restart(vsLeader);
        w.ticks(SECOND);
        w.finish(30 * SECOND);
        p.c.tickUntil("the restarted member catches up", () -> p.memberView(vsLeader).equals(p.view()), 5 * SECOND);
        p.checkLinearizable();
    }

    /** Cutting off one member (the leader, then a follower) leaves a majority that still changes views. */
    @Test
    void aMinorityCutOffDoesNotStopViewChanges() {
        VsRaftPbSim p = started(12);
        Workload w = new Workload(p.c);
        w.ticks(SECOND);
        NodeId cutLeader = p.leader();
        p.c.isolate(cutLeader);
        View before = p.view();
        p.c.crash(before.primary());
        w.until("a new view without the dead primary is served", () -> p.stable()
                && !p.view().isMember(before.primary()), 10 * SECOND);
        NodeId follower = p.viewServices.stream().filter(m -> !m.equals(p.leader()) && !m.equals(cutLeader))
                .findFirst().orElseThrow();
        p.c.reconnect(cutLeader);
        p.c.isolate(follower);
        View second = p.view();
        p.c.crash(second.primary());
        p.start(4);
        w.until("another view without the second dead primary is served", () -> p.stable()
                && !p.view().isMember(second.primary()), 10 * SECOND);
        p.c.reconnect(follower);
        w.ticks(SECOND);
        w.finish(30 * SECOND);
        p.checkLinearizable();
    }

    /**
     * With two of three members down no view can change, but the primary of the current view keeps
     * serving; a dead primary is then not replaced until the majority returns, and then it is.
     */
    @Test
    void aMajorityLossStopsViewChangesUntilItReturns() {
        VsRaftPbSim p = started(13);
        Workload w = new Workload(p.c);
        w.ticks(SECOND);
        NodeId leader = p.leader();
        NodeId other = p.viewServices.stream().filter(m -> !m.equals(leader)).findFirst().orElseThrow();
        NodeId survivor = p.viewServices.stream().filter(m -> !m.equals(leader) && !m.equals(other))
                .findFirst().orElseThrow();
        p.c.crash(leader);
        p.c.crash(other);
        long acked = w.acknowledged();
        w.ticks(3 * SECOND);
        assertThat(w.acknowledged()).as("pb serves in the current view; %s", p.c.seedHint()).isGreaterThan(acked);
        View frozen = p.memberView(survivor);
        p.c.crash(frozen.primary());
        w.ticks(10 * VsRaftPbSim.DEAD_TIME);
        assertThat(p.memberView(survivor)).as("no view change without a majority; %s", p.c.seedHint()).isEqualTo(frozen);
        assertThat(p.isLeader(survivor)).isFalse();
        p.c.restart(leader);
        p.c.restart(other);
        w.until("a view without the dead primary is served", () -> p.stable()
                && !p.view().isMember(frozen.primary()), 20 * SECOND);
        assertThat(p.view().primary()).isEqualTo(frozen.backups().getFirst());
        acked = w.acknowledged();
        w.ticks(2 * SECOND);
        assertThat(w.acknowledged()).isGreaterThan(acked);
        w.finish(30 * SECOND);
        p.checkLinearizable();
    }

    /**
     * An answer to a nonzero ping means "recorded": the first primary serves only after the view
     * service answered its acknowledgement, which it does once the ping is committed, so a leader
     * that dies at once leaves it in the log: the next leader's copy knows the primary learned a
     * view (a later ping with 0 from it is then a restart, not a fresh server it may take back as
     * primary of view 1).
     */
    @Test
    void anAnsweredAcknowledgementOutlivesTheLeader() {
        VsRaftPbSim p = new VsRaftPbSim(15, 3, 1, 1, LinkSettings.RELIABLE);
        NodeId leader = p.awaitLeader();
        NodeId s1 = p.start(1);
        p.c.tickUntil("s1 serves as the first primary", () -> p.server(s1).serving(), 10 * SECOND);
        p.c.crash(leader);
        NodeId next = p.awaitLeader();
        p.c.tickUntil("the next leader applied its predecessors' entries",
                () -> p.memberView(next).number() == 1 && p.memberAcknowledged(next), 5 * SECOND);
        p.c.crash(s1);
        p.start(1); // its memory is gone (its disk is not): the next leader must see the restart
        // s1's disk holds every write of view 1, so it becomes primary of view 2 from its recovered
        // data (recovery rule); it is never taken back as primary of view 1 with what it remembers
        p.c.tickUntil("the restart is recorded and s1 resumes from its disk", () -> p.memberView(next).number() == 2
                && "1".equals(p.inner(next).status().details().get("viewsRecovered")) && p.server(s1).serving(), 5 * SECOND);
        assertThat(p.memberView(next).primary()).as("%s", p.c.seedHint()).isEqualTo(s1);
    }

    /** Sanity for the harness: three members agree on the view, and each knows the whole group. */
    @Test
    void everyMemberAppliesTheSameViews() {
        VsRaftPbSim p = started(14);
        p.c.tick(SECOND);
        View v = p.view();
        for (NodeId m : p.viewServices) assertThat(p.memberView(m)).isEqualTo(v);
        assertThat(p.member(p.leader()).status().details().get("viewServiceMembers")).isEqualTo("vs1,vs2,vs3");
        assertThat(List.of(p.member(p.leader()).status().role())).containsExactly("leader");
    }
}
