package io.replikv.sim.raft;

import io.replikv.core.client.Outcome;
import io.replikv.sim.Cluster;
import io.replikv.sim.Commands;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Goal: the 6.824 (2024) kvraft tests of part 4A, KV on Raft without snapshots (maxraftstate −1),
 * specs/mit-6824-tests.md §7.4, with their original parameters in virtual time (10 ms ticks).
 * Porcupine's linearizability check is not run yet (no checker in io.replikv.sim.check); the
 * random-keys test therefore checks completion and replica agreement only.
 */
class Kv4ATest {
    static void speed(long seed, int maxraftstate) {
        int numOps = 1000;
        KvTester cfg = new KvTester(seed, 3, 1, false, maxraftstate);
        // the first op completes once a leader is elected and the servers are ready
        cfg.get(0, "x");
        long start = cfg.cluster.now();
        for (int i = 0; i < numOps; i++) cfg.append(0, "x", "x 0 " + i + " y");
        long durMs = (cfg.cluster.now() - start) * KvTester.TICK_MS;
        String v = cfg.get(0, "x");
        cfg.checkClntAppends(0, v, numOps);
        // heartbeat interval ~100 ms; at least 3 ops per interval
        double timePerOpMs = 100.0 / 3;
        if (durMs > numOps * timePerOpMs) {
            throw cfg.cluster.fail("operations completed too slowly " + (double) durMs / numOps + " ms/op > " + timePerOpMs + " ms/op");
        }
    }

    @Test
    void testBasic4A() {
        KvGenericTest.run(101, 1, 5, false, false, false, -1, false);
    }

    @Test
    void testSpeed4A() {
        speed(102, -1);
    }

    @Test
    void testConcurrent4A() {
        KvGenericTest.run(103, 5, 5, false, false, false, -1, false);
    }

    @Test
    void testUnreliable4A() {
        KvGenericTest.run(104, 5, 5, true, false, false, -1, false);
    }

    /** 3 servers, unreliable: 5 clients × 10 concurrent Appends to one key; each exactly once, in order per client. */
    @Test
    void testUnreliableOneKey4A() {
        int nclient = 5;
        int upto = 10;
        KvTester cfg = new KvTester(105, 3, nclient, true, -1);
        Cluster c = cfg.cluster;
        cfg.put(0, "k", "");
        int[] done = new int[nclient];
        List<Cluster.Invocation> inFlight = new ArrayList<>();
        for (int i = 0; i < nclient; i++) inFlight.add(c.invoke(i, Commands.append("k", "x " + i + " 0 y")));
        while (true) {
            boolean any = false;
            for (int i = 0; i < nclient; i++) {
                Cluster.Invocation inv = inFlight.get(i);
                if (inv == null) continue;
                any = true;
                if (!c.done(inv)) continue;
                if (!(c.outcome(inv) instanceof Outcome.Ok)) throw c.fail("append ended " + c.outcome(inv));
                done[i]++;
                inFlight.set(i, done[i] < upto ? c.invoke(i, Commands.append("k", "x " + i + " " + done[i] + " y")) : null);
            }
            if (!any) break;
            c.tick();
        }
        String v = cfg.get(0, "k");
        for (int i = 0; i < nclient; i++) cfg.checkClntAppends(i, v, upto);
    }

    /**
     * Progress in the majority, none in the minority (which holds the old leader), and completion
     * after healing. Clerks: c1 talks to all, c2 only to the majority, c3 and c4 only to the minority.
     */
    @Test
    void testOnePartition4A() {
        int nservers = 5;
        KvTester cfg = new KvTester(106, nservers, 4, false, -1);
        Cluster c = cfg.cluster;
        cfg.put(0, "1", "13");
        List<List<Integer>> p = cfg.makePartition();
        cfg.partition(p.get(0), p.get(1), List.of(c.clients().indexOf(c.client(1))), List.of(2, 3));
        // progress in majority
        cfg.put(1, "1", "14");
        cfg.check(1, "1", "14");
        // no progress in minority
        Cluster.Invocation put15 = c.invoke(2, Commands.put("1", "15"));
        Cluster.Invocation get = c.invoke(3, Commands.get("1"));
        cfg.sleepMs(1000);
        if (c.done(put15)) throw c.fail("Put in minority completed");
        if (c.done(get)) throw c.fail("Get in minority completed");
        cfg.check(1, "1", "14");
        cfg.put(1, "1", "16");
        cfg.check(1, "1", "16");
        // completion after heal
        cfg.connectAll();
        cfg.sleepMs(KvTester.ELECTION_MS);
        c.tickUntil("Put did not complete", () -> c.done(put15), 3000 / KvTester.TICK_MS);
        if (!(c.outcome(put15) instanceof Outcome.Ok)) throw c.fail("put ended " + c.outcome(put15));
        c.tickUntil("Get did not complete", () -> c.done(get), 3000 / KvTester.TICK_MS);
        cfg.check(0, "1", "15");
    }

    @Test
    void testManyPartitionsOneClient4A() {
        KvGenericTest.run(107, 1, 5, false, false, true, -1, false);
    }

    @Test
    void testManyPartitionsManyClients4A() {
        KvGenericTest.run(108, 5, 5, false, false, true, -1, false);
    }

    @Test
    void testPersistOneClient4A() {
        KvGenericTest.run(109, 1, 5, false, true, false, -1, false);
    }

    @Test
    void testPersistConcurrent4A() {
        KvGenericTest.run(110, 5, 5, false, true, false, -1, false);
    }

    @Test
    void testPersistConcurrentUnreliable4A() {
        KvGenericTest.run(111, 5, 5, true, true, false, -1, false);
    }

    @Test
    void testPersistPartition4A() {
        KvGenericTest.run(112, 5, 5, false, true, true, -1, false);
    }

    @Test
    void testPersistPartitionUnreliable4A() {
        KvGenericTest.run(113, 5, 5, true, true, true, -1, false);
    }

    @Test
    void testPersistPartitionUnreliableLinearizable4A() {
        KvGenericTest.run(114, 15, 7, true, true, true, -1, true);
    }
}
