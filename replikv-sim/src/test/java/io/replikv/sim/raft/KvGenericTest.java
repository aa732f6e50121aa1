package io.replikv.sim.raft;

import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.sim.Cluster;
import io.replikv.sim.Commands;
import java.util.ArrayList;
import java.util.List;

/**
 * 6.824's GenericTest (specs/mit-6824-tests.md §7.3) in virtual time: 3 iterations of 5 s of
 * client load (optionally with a partitioner that re-splits the servers every 1.0–1.2 s), then
 * heal, optionally crash and restart every server, let in-flight operations finish, and check each
 * client's key through a separate clerk (every acknowledged append exactly once, in order). Also
 * checked: the log-size bound (maxraftstate > 0), no snapshot at all (maxraftstate = −1), and,
 * our addition, replica agreement after every iteration. Porcupine's linearizability check is
 * not run: the checker has not landed in io.replikv.sim.check yet.
 */
final class KvGenericTest {
    private KvGenericTest() {}

    /** One client of the load, driven tick by tick. */
    private static final class Worker {
        final int cli;
        String last = "";
        int appends;
        Cluster.Invocation inFlight;
        Command command;
        String value;

        Worker(int cli) {
            this.cli = cli;
        }
    }

    static void run(long seed, int nclients, int nservers, boolean unreliable, boolean crash, boolean partitions,
                    int maxraftstate, boolean randomkeys) {
        run(new KvTester(seed, nservers, nclients + 1, unreliable, maxraftstate), nclients, crash, partitions, randomkeys);
    }

    static void run(KvTester cfg, int nclients, boolean crash, boolean partitions, boolean randomkeys) {
        int nservers = cfg.n;
        int maxraftstate = cfg.maxraftstate;
        Cluster c = cfg.cluster;
        int ck = nclients; // the checker clerk
        for (int i = 0; i < 3; i++) {
            List<Worker> workers = new ArrayList<>();
            for (int cli = 0; cli < nclients; cli++) {
                Worker w = new Worker(cli);
                if (!randomkeys) cfg.put(cli, Integer.toString(cli), "");
                workers.add(w);
            }
            long start = c.now();
            long end = start + 5_000 / KvTester.TICK_MS;
            long nextPartition = start + 1_000 / KvTester.TICK_MS;
            while (c.now() < end) {
                for (Worker w : workers) step(cfg, w, nclients, randomkeys, true);
                if (partitions && c.now() >= nextPartition) {
                    partitionRandomly(cfg);
                    nextPartition = c.now() + (KvTester.ELECTION_MS + cfg.rand.nextInt(200)) / KvTester.TICK_MS;
                }
                c.tick();
            }
            if (partitions) {
                cfg.connectAll();
                cfg.sleepMs(KvTester.ELECTION_MS);
            }
            if (crash) {
                for (int s = 0; s < nservers; s++) cfg.shutdownServer(s);
                cfg.sleepMs(KvTester.ELECTION_MS);
                for (int s = 0; s < nservers; s++) cfg.startServer(s);
                cfg.connectAll();
            }
            for (Worker w : workers) {
                if (w.inFlight != null) c.await(w.inFlight, 100_000);
                step(cfg, w, nclients, randomkeys, false);
            }
            for (Worker w : workers) {
                String v = cfg.get(ck, Integer.toString(w.cli));
                if (!randomkeys) cfg.checkClntAppends(w.cli, v, w.appends);
            }
            if (maxraftstate > 0 && cfg.logSize() > 8L * maxraftstate) {
                throw c.fail("logs were not trimmed (" + cfg.logSize() + " > 8*" + maxraftstate + ")");
            }
            if (maxraftstate < 0 && cfg.snapshotSize() > 0) throw c.fail("snapshot too large (" + cfg.snapshotSize() + "), should not be used when maxraftstate = -1");
            cfg.checkReplicasAgree();
        }
    }

    /** Handles a finished operation, then (if {@code invoke}) starts the next one, as the original client loop does. */
    private static void step(KvTester cfg, Worker w, int nclients, boolean randomkeys, boolean invoke) {
        Cluster c = cfg.cluster;
        if (w.inFlight != null) {
            if (!c.done(w.inFlight)) return;
            finish(cfg, w, c.outcome(w.inFlight), randomkeys);
            w.inFlight = null;
        }
        if (!invoke) return;
        String key = randomkeys ? Integer.toString(cfg.rand.nextInt(nclients)) : Integer.toString(w.cli);
        String nv = "x " + w.cli + " " + w.appends + " y";
        if (cfg.rand.nextInt(1000) < 500) {
            w.command = Commands.append(key, nv);
        } else if (randomkeys && cfg.rand.nextInt(1000) < 100) {
            w.command = Commands.put(key, nv);
        } else {
            w.command = Commands.get(key);
        }
        w.value = nv;
        w.inFlight = c.invoke(w.cli, w.command);
    }

    private static void finish(KvTester cfg, Worker w, Outcome o, boolean randomkeys) {
        if (!(o instanceof Outcome.Ok)) throw cfg.cluster.fail("client " + w.cli + ": " + w.command + " ended " + o);
        switch (w.command) {
            case Command.Append a -> {
                if (!randomkeys) w.last = w.last + w.value;
                w.appends++;
            }
            case Command.Get g -> {
                String v = Commands.valueOf(o);
                if (!randomkeys && !w.last.equals(v)) {
                    throw cfg.cluster.fail("get wrong value, key " + w.cli + ", wanted:\n" + w.last + "\n, got\n" + v);
                }
            }
            default -> { }
        }
    }

    private static void partitionRandomly(KvTester cfg) {
        List<Integer> a = new ArrayList<>();
        List<Integer> b = new ArrayList<>();
        for (int s = 0; s < cfg.n; s++) (cfg.rand.nextInt(2) == 0 ? a : b).add(s);
        cfg.partition(a, b, List.of(), List.of());
    }
}
