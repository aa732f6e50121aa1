package io.replikv.sim.raft;

import static io.replikv.sim.raft.RaftTester.ELECTION_TICKS;
import static io.replikv.sim.raft.RaftTester.TICK_MS;

import io.replikv.core.raft.Proposal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Goal: the 6.824 (2024) Raft tests of part 3C, persistence (specs/mit-6824-tests.md §6.3), with
 * their original parameters, in virtual time (10 ms ticks). A crash keeps what the disk made
 * durable, as 6.824's copied persister does. The concurrent clients of the churn tests and of
 * UnreliableAgree run interleaved, tick by tick.
 */
class Raft3CTest {
    private static final long ELECTION_MS = ELECTION_TICKS * TICK_MS;

    @Test
    void testPersist13C() {
        int servers = 3;
        RaftTester cfg = new RaftTester(31, servers, false, false);
        cfg.one("11", servers, true);
        for (int i = 0; i < servers; i++) cfg.start1(i);
        for (int i = 0; i < servers; i++) {
            cfg.disconnect(i);
            cfg.connect(i);
        }
        cfg.one("12", servers, true);
        int leader1 = cfg.checkOneLeader();
        cfg.disconnect(leader1);
        cfg.start1(leader1);
        cfg.connect(leader1);
        cfg.one("13", servers, true);
        int leader2 = cfg.checkOneLeader();
        cfg.disconnect(leader2);
        cfg.one("14", servers - 1, true);
        cfg.start1(leader2);
        cfg.connect(leader2);
        cfg.waitFor(4, servers, -1); // wait for leader2 to join before killing i3
        int i3 = (cfg.checkOneLeader() + 1) % servers;
        cfg.disconnect(i3);
        cfg.one("15", servers - 1, true);
        cfg.start1(i3);
        cfg.connect(i3);
        cfg.one("16", servers, true);
    }

    @Test
    void testPersist23C() {
        int servers = 5;
        RaftTester cfg = new RaftTester(32, servers, false, false);
        int index = 1;
        for (int iters = 0; iters < 5; iters++) {
            cfg.one(Integer.toString(10 + index++), servers, true);
            int leader1 = cfg.checkOneLeader();
            cfg.disconnect((leader1 + 1) % servers);
            cfg.disconnect((leader1 + 2) % servers);
            cfg.one(Integer.toString(10 + index++), servers - 2, true);
            cfg.disconnect((leader1 + 0) % servers);
            cfg.disconnect((leader1 + 3) % servers);
            cfg.disconnect((leader1 + 4) % servers);
            cfg.start1((leader1 + 1) % servers);
            cfg.start1((leader1 + 2) % servers);
            cfg.connect((leader1 + 1) % servers);
            cfg.connect((leader1 + 2) % servers);
            cfg.sleepMs(ELECTION_MS);
            cfg.start1((leader1 + 3) % servers);
            cfg.connect((leader1 + 3) % servers);
            cfg.one(Integer.toString(10 + index++), servers - 2, true);
            cfg.connect((leader1 + 4) % servers);
            cfg.connect((leader1 + 0) % servers);
        }
        cfg.one("1000", servers, true);
    }

    @Test
    void testPersist33C() {
        int servers = 3;
        RaftTester cfg = new RaftTester(33, servers, false, false);
        cfg.one("101", 3, true);
        int leader = cfg.checkOneLeader();
        cfg.disconnect((leader + 2) % servers);
        cfg.one("102", 2, true);
        cfg.crash1((leader + 0) % servers);
        cfg.crash1((leader + 1) % servers);
        cfg.connect((leader + 2) % servers);
        cfg.start1((leader + 0) % servers);
        cfg.connect((leader + 0) % servers);
        cfg.one("103", 2, true);
        cfg.start1((leader + 1) % servers);
        cfg.connect((leader + 1) % servers);
        cfg.one("104", servers, true);
    }

    /** Figure 8: leaders crash right after appending; only entries of a leader's own term commit by counting. */
    @Test
    void testFigure83C() {
        int servers = 5;
        RaftTester cfg = new RaftTester(34, servers, false, false);
        cfg.one(cfg.randomCommand(), 1, true);
        int nup = servers;
        for (int iters = 0; iters < 1000; iters++) {
            int leader = -1;
            for (int i = 0; i < servers; i++) {
                if (cfg.alive(i) && cfg.peer(i).start(cfg.randomCommand()) instanceof Proposal.Accepted) leader = i;
            }
            long ms = cfg.rand.nextInt(1000) < 100 ? cfg.rand.nextInt((int) (ELECTION_MS / 2)) : cfg.rand.nextInt(13);
            cfg.sleepMs(ms);
            if (leader != -1) {
                cfg.crash1(leader);
                nup--;
            }
            if (nup < 3) {
                int s = cfg.rand.nextInt(servers);
                if (!cfg.alive(s)) {
                    cfg.start1(s);
                    cfg.connect(s);
                    nup++;
                }
            }
        }
        for (int i = 0; i < servers; i++) {
            if (!cfg.alive(i)) {
                cfg.start1(i);
                cfg.connect(i);
            }
        }
        cfg.one(cfg.randomCommand(), servers, true);
    }

    @Test
    void testUnreliableAgree3C() {
        int servers = 5;
        RaftTester cfg = new RaftTester(35, servers, true, false);
        for (int iters = 1; iters < 50; iters++) {
            for (int j = 0; j < 4; j++) cfg.one(Integer.toString(100 * iters + j), 1, true);
            cfg.one(Integer.toString(iters), 1, true);
        }
        cfg.cluster.network().setDefaults(RaftTester.RELIABLE);
        cfg.one("100", servers, true);
    }

    @Test
    void testFigure8Unreliable3C() {
        int servers = 5;
        RaftTester cfg = new RaftTester(36, servers, true, false);
        cfg.one(Long.toString(cfg.rand.nextInt(10000)), 1, true);
        int nup = servers;
        for (int iters = 0; iters < 1000; iters++) {
            if (iters == 200) cfg.setLongReordering(true);
            int leader = -1;
            for (int i = 0; i < servers; i++) {
                if (cfg.peer(i).start(Long.toString(cfg.rand.nextInt(10000))) instanceof Proposal.Accepted && cfg.up(i)) {
                    leader = i;
                }
            }
            long ms = cfg.rand.nextInt(1000) < 100 ? cfg.rand.nextInt((int) (ELECTION_MS / 2)) : cfg.rand.nextInt(13);
            cfg.sleepMs(ms);
            if (leader != -1 && cfg.rand.nextInt(1000) < ELECTION_MS / 2) {
                cfg.disconnect(leader);
                nup--;
            }
            if (nup < 3) {
                int s = cfg.rand.nextInt(servers);
                if (!cfg.up(s)) {
                    cfg.connect(s);
                    nup++;
                }
            }
        }
        for (int i = 0; i < servers; i++) if (!cfg.up(i)) cfg.connect(i);
        cfg.one(Long.toString(cfg.rand.nextInt(10000)), servers, true);
    }

    @Test
    void testReliableChurn3C() {
        churn(37, false);
    }

    @Test
    void testUnreliableChurn3C() {
        churn(38, true);
    }

    /**
     * 3 clients keep starting random commands on every live server and record the ones they see
     * committed, while servers are cut off, restarted and crashed for 20 rounds 700 ms apart; after
     * healing, every recorded value must be in the agreed log.
     */
    private static void churn(long seed, boolean unreliable) {
        int servers = 5;
        RaftTester cfg = new RaftTester(seed, servers, unreliable, false);
        List<ChurnClient> clients = new ArrayList<>();
        for (int me = 0; me < 3; me++) clients.add(new ChurnClient(cfg, me));
        for (int iters = 0; iters < 20; iters++) {
            if (cfg.rand.nextInt(1000) < 200) cfg.disconnect(cfg.rand.nextInt(servers));
            if (cfg.rand.nextInt(1000) < 500) {
                int i = cfg.rand.nextInt(servers);
                if (!cfg.alive(i)) cfg.start1(i);
                cfg.connect(i);
            }
            if (cfg.rand.nextInt(1000) < 200) {
                int i = cfg.rand.nextInt(servers);
                if (cfg.alive(i)) cfg.crash1(i);
            }
            runClients(cfg, clients, ELECTION_MS * 7 / 10);
        }
        runClients(cfg, clients, ELECTION_MS);
        cfg.cluster.network().setDefaults(RaftTester.RELIABLE);
        for (int i = 0; i < servers; i++) {
            if (!cfg.alive(i)) cfg.start1(i);
            cfg.connect(i);
        }
        cfg.sleepMs(ELECTION_MS);
        long lastIndex = cfg.one(cfg.randomCommand(), servers, true);
        Set<String> really = new HashSet<>();
        for (long index = 1; index <= lastIndex; index++) really.add(cfg.waitFor(index, servers, -1));
        for (ChurnClient c : clients) {
            for (String v : c.values) if (!really.contains(v)) throw cfg.fail("didn't find a value " + v);
        }
    }

    private static void runClients(RaftTester cfg, List<ChurnClient> clients, long ms) {
        for (long t = 0; t < ms / TICK_MS; t++) {
            for (ChurnClient c : clients) c.step();
            cfg.sleepMs(TICK_MS);
        }
    }

    /** One churn client as a tick-driven state machine: Start everywhere, then poll 10, 20, 50, 100, 200 ms for the commit. */
    private static final class ChurnClient {
        private static final long[] POLL_MS = {10, 20, 50, 100, 200};
        private final RaftTester cfg;
        private final int me;
        final List<String> values = new ArrayList<>();
        private String x;
        private long index = -1;
        private int poll;
        private long wakeAt;

        ChurnClient(RaftTester cfg, int me) {
            this.cfg = cfg;
            this.me = me;
        }

        void step() {
            long now = cfg.cluster.now();
            if (now < wakeAt) return;
            if (index == -1) {
                x = cfg.randomCommand();
                for (int i = 0; i < cfg.n; i++) {
                    if (cfg.alive(i) && cfg.peer(i).start(x) instanceof Proposal.Accepted a) index = a.index();
                }
                poll = 0;
                if (index == -1) wakeAt = now + (79 + me * 17) / TICK_MS;
                return;
            }
            RaftTester.Committed c = cfg.nCommitted(index);
            if (c.count() > 0 || poll >= POLL_MS.length) {
                if (c.count() > 0 && x.equals(c.command())) values.add(x);
                index = -1;
                return;
            }
            wakeAt = now + POLL_MS[poll++] / TICK_MS;
        }
    }
}
