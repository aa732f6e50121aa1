package io.replikv.sim.raft;

import static io.replikv.sim.raft.RaftTester.ELECTION_TICKS;
import static io.replikv.sim.raft.RaftTester.TICK_MS;

import io.replikv.core.raft.Proposal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Goal: the 6.824 (2024) Raft tests of part 3B, log replication (specs/mit-6824-tests.md §6.3),
 * with their original parameters, in virtual time (10 ms ticks) on the simulator. Concurrent
 * Start()s of the original happen here in the same tick, one after another.
 */
class Raft3BTest {
    private static final long ELECTION_MS = ELECTION_TICKS * TICK_MS;

    private static Proposal.Accepted startAt(RaftTester cfg, int server, String command) {
        return cfg.peer(server).start(command) instanceof Proposal.Accepted a ? a : null;
    }

    @Test
    void testBasicAgree3B() {
        RaftTester cfg = new RaftTester(11, 3, false, false);
        for (int index = 1; index <= 3; index++) {
            if (cfg.nCommitted(index).count() > 0) throw cfg.fail("some have committed before Start()");
            long xindex = cfg.one(Integer.toString(index * 100), 3, false);
            if (xindex != index) throw cfg.fail("got index " + xindex + " but expected " + index);
        }
    }

    /** Each command is sent to each peer about once: total bytes ≤ 3 × payload + 50,000. */
    @Test
    void testRPCBytes3B() {
        int servers = 3;
        RaftTester cfg = new RaftTester(12, servers, false, false);
        cfg.one("99", servers, false);
        long bytes0 = cfg.bytesTotal();
        long sent = 0;
        for (int index = 2; index < 12; index++) {
            StringBuilder cmd = new StringBuilder(5000);
            for (int i = 0; i < 5000; i++) cmd.append((char) ('a' + cfg.rand.nextInt(26)));
            long xindex = cfg.one(cmd.toString(), servers, false);
            if (xindex != index) throw cfg.fail("got index " + xindex + " but expected " + index);
            sent += cmd.length();
        }
        long got = cfg.bytesTotal() - bytes0;
        long expected = servers * sent;
        if (got > expected + 50_000) throw cfg.fail("too many RPC bytes; got " + got + ", expected " + expected);
    }

    @Test
    void testFollowerFailure3B() {
        int servers = 3;
        RaftTester cfg = new RaftTester(13, servers, false, false);
        cfg.one("101", servers, false);
        int leader1 = cfg.checkOneLeader();
        cfg.disconnect((leader1 + 1) % servers);
        cfg.one("102", servers - 1, false);
        cfg.sleepMs(ELECTION_MS);
        cfg.one("103", servers - 1, false);
        int leader2 = cfg.checkOneLeader();
        cfg.disconnect((leader2 + 1) % servers);
        cfg.disconnect((leader2 + 2) % servers);
        Proposal.Accepted a = startAt(cfg, leader2, "104");
        if (a == null) throw cfg.fail("leader rejected Start()");
        if (a.index() != 4) throw cfg.fail("expected index 4, got " + a.index());
        cfg.sleepMs(2 * ELECTION_MS);
        if (cfg.nCommitted(a.index()).count() > 0) throw cfg.fail("index " + a.index() + " committed but no majority");
    }

    @Test
    void testLeaderFailure3B() {
        int servers = 3;
        RaftTester cfg = new RaftTester(14, servers, false, false);
        cfg.one("101", servers, false);
        int leader1 = cfg.checkOneLeader();
        cfg.disconnect(leader1);
        cfg.one("102", servers - 1, false);
        cfg.sleepMs(ELECTION_MS);
        cfg.one("103", servers - 1, false);
        int leader2 = cfg.checkOneLeader();
        cfg.disconnect(leader2);
        for (int i = 0; i < servers; i++) cfg.peer(i).start("104");
        cfg.sleepMs(2 * ELECTION_MS);
        if (cfg.nCommitted(4).count() > 0) throw cfg.fail("index 4 committed but no majority");
    }

    /** Agreement despite follower disconnection. */
    @Test
    void testFailAgree3B() {
        int servers = 3;
        RaftTester cfg = new RaftTester(15, servers, false, false);
        cfg.one("101", servers, false);
        int leader = cfg.checkOneLeader();
        cfg.disconnect((leader + 1) % servers);
        cfg.one("102", servers - 1, false);
        cfg.one("103", servers - 1, false);
        cfg.sleepMs(ELECTION_MS);
        cfg.one("104", servers - 1, false);
        cfg.one("105", servers - 1, false);
        cfg.connect((leader + 1) % servers);
        cfg.one("106", servers, true);
        cfg.sleepMs(ELECTION_MS);
        cfg.one("107", servers, true);
    }

    @Test
    void testFailNoAgree3B() {
        int servers = 5;
        RaftTester cfg = new RaftTester(16, servers, false, false);
        cfg.one("10", servers, false);
        int leader = cfg.checkOneLeader();
        cfg.disconnect((leader + 1) % servers);
        cfg.disconnect((leader + 2) % servers);
        cfg.disconnect((leader + 3) % servers);
        Proposal.Accepted a = startAt(cfg, leader, "20");
        if (a == null) throw cfg.fail("leader rejected Start()");
        if (a.index() != 2) throw cfg.fail("expected index 2, got " + a.index());
        cfg.sleepMs(2 * ELECTION_MS);
        if (cfg.nCommitted(a.index()).count() > 0) throw cfg.fail("index " + a.index() + " committed but no majority");
        cfg.connect((leader + 1) % servers);
        cfg.connect((leader + 2) % servers);
        cfg.connect((leader + 3) % servers);
        int leader2 = cfg.checkOneLeader();
        Proposal.Accepted a2 = startAt(cfg, leader2, "30");
        if (a2 == null) throw cfg.fail("leader2 rejected Start()");
        if (a2.index() < 2 || a2.index() > 3) throw cfg.fail("unexpected index " + a2.index());
        cfg.one("1000", servers, true);
    }

    @Test
    void testConcurrentStarts3B() {
        int servers = 3;
        RaftTester cfg = new RaftTester(17, servers, false, false);
        boolean success = false;
        loop:
        for (int attempt = 0; attempt < 5; attempt++) {
            if (attempt > 0) cfg.sleepMs(3000);
            int leader = cfg.checkOneLeader();
            Proposal.Accepted first = startAt(cfg, leader, "1");
            if (first == null) continue;
            List<Long> indexes = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Proposal.Accepted a = startAt(cfg, leader, Integer.toString(100 + i));
                if (a == null || a.term() != first.term()) continue loop;
                indexes.add(a.index());
            }
            for (int j = 0; j < servers; j++) if (cfg.core(j).term() != first.term()) continue loop;
            List<String> cmds = new ArrayList<>();
            for (long index : indexes) {
                String cmd = cfg.waitFor(index, servers, first.term());
                if (cmd == null) continue loop; // the term moved on; try again
                cmds.add(cmd);
            }
            for (int i = 0; i < 5; i++) {
                if (!cmds.contains(Integer.toString(100 + i))) throw cfg.fail("cmd " + (100 + i) + " missing in " + cmds);
            }
            success = true;
            break;
        }
        if (!success) throw cfg.fail("term changed too often");
    }

    @Test
    void testRejoin3B() {
        int servers = 3;
        RaftTester cfg = new RaftTester(18, servers, false, false);
        cfg.one("101", servers, true);
        int leader1 = cfg.checkOneLeader();
        cfg.disconnect(leader1);
        cfg.peer(leader1).start("102");
        cfg.peer(leader1).start("103");
        cfg.peer(leader1).start("104");
        cfg.one("103", 2, true);
        int leader2 = cfg.checkOneLeader();
        cfg.disconnect(leader2);
        cfg.connect(leader1);
        cfg.one("104", 2, true);
        cfg.connect(leader2);
        cfg.one("105", servers, true);
    }

    /** Leader backs up quickly over incorrect follower logs (the conflict-term optimisation). */
    @Test
    void testBackup3B() {
        int servers = 5;
        RaftTester cfg = new RaftTester(19, servers, false, false);
        cfg.one(cfg.randomCommand(), servers, true);
        int leader1 = cfg.checkOneLeader();
        cfg.disconnect((leader1 + 2) % servers);
        cfg.disconnect((leader1 + 3) % servers);
        cfg.disconnect((leader1 + 4) % servers);
        for (int i = 0; i < 50; i++) cfg.peer(leader1).start(cfg.randomCommand());
        cfg.sleepMs(ELECTION_MS / 2);
        cfg.disconnect((leader1 + 0) % servers);
        cfg.disconnect((leader1 + 1) % servers);
        cfg.connect((leader1 + 2) % servers);
        cfg.connect((leader1 + 3) % servers);
        cfg.connect((leader1 + 4) % servers);
        for (int i = 0; i < 50; i++) cfg.one(cfg.randomCommand(), 3, true);
        int leader2 = cfg.checkOneLeader();
        int other = (leader1 + 2) % servers;
        if (leader2 == other) other = (leader2 + 1) % servers;
        cfg.disconnect(other);
        for (int i = 0; i < 50; i++) cfg.peer(leader2).start(cfg.randomCommand());
        cfg.sleepMs(ELECTION_MS / 2);
        for (int i = 0; i < servers; i++) cfg.disconnect(i);
        cfg.connect((leader1 + 0) % servers);
        cfg.connect((leader1 + 1) % servers);
        cfg.connect(other);
        for (int i = 0; i < 50; i++) cfg.one(cfg.randomCommand(), 3, true);
        for (int i = 0; i < servers; i++) cfg.connect(i);
        cfg.one(cfg.randomCommand(), servers, true);
    }

    /** RPC counts: an election, an agreement of 10 entries, and a second of idleness each stay within budget. */
    @Test
    void testCount3B() {
        int servers = 3;
        RaftTester cfg = new RaftTester(20, servers, false, false);
        cfg.checkOneLeader();
        long total1 = cfg.rpcTotal();
        if (total1 > 30 || total1 < 1) throw cfg.fail("too many or few RPCs (" + total1 + ") to elect initial leader");
        long total2 = 0;
        boolean success = false;
        loop:
        for (int attempt = 0; attempt < 5; attempt++) {
            if (attempt > 0) cfg.sleepMs(3000);
            int leader = cfg.checkOneLeader();
            total1 = cfg.rpcTotal();
            int iters = 10;
            Proposal.Accepted start = startAt(cfg, leader, "1");
            if (start == null) continue;
            List<String> cmds = new ArrayList<>();
            for (int i = 1; i < iters + 2; i++) {
                String x = cfg.randomCommand();
                cmds.add(x);
                Proposal.Accepted a = startAt(cfg, leader, x);
                if (a == null || a.term() != start.term()) continue loop;
                if (start.index() + i != a.index()) throw cfg.fail("Start() failed");
            }
            for (int i = 1; i < iters + 1; i++) {
                String cmd = cfg.waitFor(start.index() + i, servers, start.term());
                if (cmd == null) continue loop;
                if (!cmd.equals(cmds.get(i - 1))) throw cfg.fail("wrong value " + cmd + " committed for index " + (start.index() + i));
            }
            for (int j = 0; j < servers; j++) if (cfg.core(j).term() != start.term()) continue loop;
            total2 = cfg.rpcTotal();
            if (total2 - total1 > (iters + 1 + 3) * 3L) {
                throw cfg.fail("too many RPCs (" + (total2 - total1) + ") for " + iters + " entries");
            }
            success = true;
            break;
        }
        if (!success) throw cfg.fail("term changed too often");
        cfg.sleepMs(ELECTION_MS);
        long total3 = cfg.rpcTotal();
        if (total3 - total2 > 3 * 20) throw cfg.fail("too many RPCs (" + (total3 - total2) + ") for 1 second of idleness");
    }
}
