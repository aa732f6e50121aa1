package io.replikv.sim.raft;

import org.junit.jupiter.api.Test;

/**
 * Goal: the 6.824 (2024) Raft tests of part 3D, log compaction (specs/mit-6824-tests.md §6.3),
 * with their original parameters, in virtual time (10 ms ticks). The applier snapshots every 10
 * entries; persisted Raft state must stay under 2000 bytes; lagging or restarted servers catch
 * up through InstallSnapshot and their snapshots.
 */
class Raft3DTest {
    /** 6.824's MAXLOGSIZE, in bytes. */
    private static final long MAX_LOG_SIZE = 2000;

    private static void snapCommon(long seed, boolean disconnect, boolean reliable, boolean crash) {
        int iters = 30;
        int servers = 3;
        RaftTester cfg = new RaftTester(seed, servers, !reliable, true);
        cfg.one(cfg.randomCommand(), servers, true);
        int leader1 = cfg.checkOneLeader();
        for (int i = 0; i < iters; i++) {
            int victim = (leader1 + 1) % servers;
            int sender = leader1;
            if (i % 3 == 1) {
                sender = (leader1 + 1) % servers;
                victim = leader1;
            }
            if (disconnect) {
                cfg.disconnect(victim);
                cfg.one(cfg.randomCommand(), servers - 1, true);
            }
            if (crash) {
                cfg.crash1(victim);
                cfg.one(cfg.randomCommand(), servers - 1, true);
            }
            // perhaps send enough to get a snapshot
            int nn = RaftPeer.SNAPSHOT_INTERVAL / 2 + cfg.rand.nextInt(RaftPeer.SNAPSHOT_INTERVAL);
            for (int j = 0; j < nn; j++) cfg.peer(sender).start(cfg.randomCommand());
            if (!disconnect && !crash) {
                // all followers caught up, so that TestSnapshotBasic needs no InstallSnapshot
                cfg.one(cfg.randomCommand(), servers, true);
            } else {
                cfg.one(cfg.randomCommand(), servers - 1, true);
            }
            if (cfg.logSize() >= MAX_LOG_SIZE) throw cfg.fail("log size too large: " + cfg.logSize());
            if (disconnect) {
                // reconnect a follower, who may be behind and need to receive a snapshot to catch up
                cfg.connect(victim);
                cfg.one(cfg.randomCommand(), servers, true);
                leader1 = cfg.checkOneLeader();
            }
            if (crash) {
                cfg.start1(victim);
                cfg.connect(victim);
                cfg.one(cfg.randomCommand(), servers, true);
                leader1 = cfg.checkOneLeader();
            }
        }
    }

    @Test
    void testSnapshotBasic3D() {
        snapCommon(41, false, true, false);
    }

    @Test
    void testSnapshotInstall3D() {
        snapCommon(42, true, true, false);
    }

    @Test
    void testSnapshotInstallUnreliable3D() {
        snapCommon(43, true, false, false);
    }

    @Test
    void testSnapshotInstallCrash3D() {
        snapCommon(44, false, true, true);
    }

    @Test
    void testSnapshotInstallUnCrash3D() {
        snapCommon(45, false, false, true);
    }

    /** Crash and restart all servers after snapshots: the next index must continue after the last one. */
    @Test
    void testSnapshotAllCrash3D() {
        int servers = 3;
        int iters = 5;
        RaftTester cfg = new RaftTester(46, servers, false, true);
        cfg.one(cfg.randomCommand(), servers, true);
        for (int i = 0; i < iters; i++) {
            int nn = RaftPeer.SNAPSHOT_INTERVAL / 2 + cfg.rand.nextInt(RaftPeer.SNAPSHOT_INTERVAL);
            for (int j = 0; j < nn; j++) cfg.one(cfg.randomCommand(), servers, true);
            long index1 = cfg.one(cfg.randomCommand(), servers, true);
            for (int k = 0; k < servers; k++) cfg.crash1(k);
            for (int k = 0; k < servers; k++) {
                cfg.start1(k);
                cfg.connect(k);
            }
            long index2 = cfg.one(cfg.randomCommand(), servers, true);
            if (index2 < index1 + 1) throw cfg.fail("index decreased from " + index1 + " to " + index2);
        }
    }

    /** A restarted server keeps its snapshot when it next persists. */
    @Test
    void testSnapshotInit3D() {
        int servers = 3;
        RaftTester cfg = new RaftTester(47, servers, false, true);
        cfg.one(cfg.randomCommand(), servers, true);
        for (int i = 0; i < RaftPeer.SNAPSHOT_INTERVAL + 1; i++) cfg.one(cfg.randomCommand(), servers, true);
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < servers; k++) cfg.crash1(k);
            for (int k = 0; k < servers; k++) {
                cfg.start1(k);
                cfg.connect(k);
            }
            cfg.one(cfg.randomCommand(), servers, true);
        }
    }
}
