package io.replikv.sim.raft;

import static io.replikv.sim.raft.RaftTester.ELECTION_TICKS;
import static io.replikv.sim.raft.RaftTester.TICK_MS;

import org.junit.jupiter.api.Test;

/**
 * Goal: the 6.824 (2024) Raft tests of part 3A, leader election (specs/mit-6824-tests.md §6.3),
 * with their original parameters, in virtual time (10 ms ticks) on the simulator.
 */
class Raft3ATest {
    private static final long ELECTION_MS = ELECTION_TICKS * TICK_MS;

    /** 3 servers: a leader emerges, all agree on a term ≥ 1, and nothing changes while nothing fails. */
    @Test
    void testInitialElection3A() {
        RaftTester cfg = new RaftTester(1, 3, false, false);
        cfg.checkOneLeader();
        cfg.sleepMs(50);
        long term1 = cfg.checkTerms();
        if (term1 < 1) throw cfg.fail("term is " + term1 + ", but should be at least 1");
        cfg.sleepMs(2 * ELECTION_MS);
        long term2 = cfg.checkTerms();
        // the original only warns here; with CheckQuorum and PreVote nothing should move, so we insist
        if (term1 != term2) throw cfg.fail("term changed from " + term1 + " to " + term2 + " with no failures");
        cfg.checkOneLeader();
    }

    /** 3 servers: a new leader after the old one is cut off; no leader without a quorum; leaders again after reconnecting. */
    @Test
    void testReElection3A() {
        int servers = 3;
        RaftTester cfg = new RaftTester(2, servers, false, false);
        int leader1 = cfg.checkOneLeader();
        cfg.disconnect(leader1);
        cfg.checkOneLeader();
        cfg.connect(leader1);
        int leader2 = cfg.checkOneLeader();
        cfg.disconnect(leader2);
        cfg.disconnect((leader2 + 1) % servers);
        cfg.sleepMs(2 * ELECTION_MS);
        cfg.checkNoLeader();
        cfg.connect((leader2 + 1) % servers);
        cfg.checkOneLeader();
        cfg.connect(leader2);
        cfg.checkOneLeader();
    }

    /** 7 servers, 9 rounds: cut 3 random servers off (possibly the same one twice), require one leader, reconnect. */
    @Test
    void testManyElections3A() {
        int servers = 7;
        RaftTester cfg = new RaftTester(3, servers, false, false);
        cfg.checkOneLeader();
        for (int ii = 0; ii < 9; ii++) {
            int i1 = cfg.rand.nextInt(servers);
            int i2 = cfg.rand.nextInt(servers);
            int i3 = cfg.rand.nextInt(servers);
            cfg.disconnect(i1);
            cfg.disconnect(i2);
            cfg.disconnect(i3);
            cfg.checkOneLeader();
            cfg.connect(i1);
            cfg.connect(i2);
            cfg.connect(i3);
        }
        cfg.checkOneLeader();
    }
}
