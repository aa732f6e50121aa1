package io.replikv.sim.pb;

import static io.replikv.sim.pb.PbSim.DEAD_TIME;
import static io.replikv.sim.pb.PbSim.OPERATION_TICKS_MAX;
import static io.replikv.sim.pb.PbSim.PING_INTERVAL;
import static io.replikv.sim.pb.PbSim.SECOND;
import static io.replikv.sim.pb.PbSim.VS;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Fnv1a;
import io.replikv.core.kv.Result;
import io.replikv.core.pb.PbClientConfig;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import io.replikv.core.viewservice.View;
import io.replikv.sim.Cluster;
import io.replikv.sim.Commands;
import io.replikv.sim.LinkSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The original pbservice suite (specs §5, 2015 with the 2014 PutHash variants), in virtual time on
 * the simulator with the original fault model: kill = crash, restart = a fresh empty server under
 * the same name, "unreliable" = the lab's inbound loss (10 % before, then 20 % of replies), the
 * partition = s1 cut from the view service only plus its inbound client traffic delayed. Every
 * test runs with one backup (the original) and with two. Timings are the original ones at 10 ms per
 * tick; each step says which original step it ports.
 */
class PbServiceTest {
    private static final long SEED = 1;

    private static Command put(String k, String v) {
        return Commands.put(k, v);
    }

    /** 5.1 TestBasicFail. */
    @ParameterizedTest(name = "backups={0}")
    @ValueSource(ints = {1, 2})
    void basicFail(int backups) {
        PbSim p = new PbSim(SEED, backups, 1);
        p.sleep(SECOND);
        // Single primary, no backup
        NodeId s1 = p.start(1);
        p.sleep(2 * DEAD_TIME);
        assertThat(p.primary()).isEqualTo(s1);
        p.put(0, "111", "v1");
        p.check(0, "111", "v1");
        p.put(0, "2", "v2");
        p.check(0, "2", "v2");
        p.put(0, "1", "v1a");
        p.check(0, "1", "v1a");
        p.append(0, "ak", "hello");
        p.check(0, "ak", "hello");
        p.put(0, "ak", "xx");
        p.append(0, "ak", "yy");
        p.check(0, "ak", "xxyy");

        // Add a backup
        NodeId s2 = p.start(2);
        p.pollView(v -> v.backups().contains(s2), 10 * PING_INTERVAL);
        assertThat(p.view().backups()).as(p.c.seedHint()).containsExactly(s2);
        p.put(0, "3", "33"); // the backup may not hold the state yet: must still be right
        p.check(0, "3", "33");
        p.sleep(3 * PING_INTERVAL);
        p.put(0, "4", "44");
        p.check(0, "4", "44");

        // Count RPCs to viewserver
        long requestsBefore = p.c.messagesDelivered(VS);
        long start = p.c.now();
        for (int i = 0; i < 100; i++) p.put(0, "xk" + i, Integer.toString(i));
        long elapsedIntervals = (p.c.now() - start) / PING_INTERVAL;
        long requests = p.c.messagesDelivered(VS) - requestsBefore;
        assertThat(requests).as("view service requests during 100 Puts in %d intervals; %s", elapsedIntervals,
                p.c.seedHint()).isLessThanOrEqualTo(2 * elapsedIntervals + 20);

        // Primary failure
        p.kill(s1);
        p.pollView(v -> s2.equals(v.primary()), 10 * PING_INTERVAL);
        assertThat(p.primary()).isEqualTo(s2);
        p.check(0, "1", "v1a");
        p.check(0, "3", "33");
        p.check(0, "4", "44");

        // Kill last server, new one should not be active
        p.kill(s2);
        NodeId s3 = p.start(3);
        p.sleep(SECOND);
        Cluster.Invocation get = p.c.invoke(0, Commands.get("1"));
        p.sleep(2 * SECOND);
        assertThat(p.c.done(get)).as("Get completed with no initialised primary: %s; %s", p.c.outcome(get),
                p.c.seedHint()).isFalse();
        assertThat(p.server(s3).serving()).isFalse();
        p.checkLinearizable();
    }

    /** 5.2 TestAtMostOnce, 2015: 100 Appends through an unreliable server. */
    @ParameterizedTest(name = "backups={0}")
    @ValueSource(ints = {1, 2})
    void atMostOnceAppend(int backups) {
        PbSim p = new PbSim(SEED, backups, 1);
        p.sleep(SECOND);
        NodeId s1 = p.start(1);
        p.c.setUnreliable(s1, true);
        p.pollView(PbSim::hasPrimaryAndBackup, SECOND); // never: one server; so a one-second wait
        p.sleep(DEAD_TIME);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            p.append(0, "counter", Integer.toString(i));
            expected.append(i);
        }
        p.check(0, "counter", expected.toString());
        assertThat(expected).hasSize(190);
        p.checkLinearizable();
    }

    /** 5.2 TestAtMostOnce, 2014: 100 PutHash through an unreliable server, each returning the previous chain value. */
    @ParameterizedTest(name = "backups={0}")
    @ValueSource(ints = {1, 2})
    void atMostOncePutHash(int backups) {
        PbSim p = new PbSim(SEED, backups, 1);
        p.sleep(SECOND);
        NodeId s1 = p.start(1);
        p.c.setUnreliable(s1, true);
        p.pollView(PbSim::hasPrimaryAndBackup, SECOND);
        p.sleep(DEAD_TIME);
        String previous = "";
        for (int i = 0; i < 100; i++) {
            Outcome o = p.c.call(0, Commands.putHash("counter", Integer.toString(i)), OPERATION_TICKS_MAX);
            assertThat(o).as("PutHash %d; %s", i, p.c.seedHint()).isEqualTo(new Outcome.Ok(new Result.Value(Bytes.of(previous))));
            previous = Long.toString(Fnv1a.hash32(Bytes.of(previous), Bytes.of(Integer.toString(i))));
            if (i == 0) assertThat(previous).isEqualTo("890022063");
        }
        assertThat(previous).isEqualTo("3868028174");
        p.check(0, "counter", "3868028174");
        p.checkLinearizable();
    }

    /** 5.3 TestFailPut. */
    @ParameterizedTest(name = "backups={0}")
    @ValueSource(ints = {1, 2})
    void failPut(int backups) {
        PbSim p = new PbSim(SEED, backups, 1);
        p.sleep(SECOND);
        NodeId s1 = p.start(1);
        p.sleep(SECOND);
        NodeId s2 = p.start(2);
        p.sleep(SECOND);
        NodeId s3 = p.start(3);
        p.pollView(PbSim::hasPrimaryAndBackup, 15 * PING_INTERVAL);
        p.sleep(SECOND);
        View v1 = p.view();
        assertThat(v1.primary()).isEqualTo(s1);
        assertThat(v1.backups()).isEqualTo(backups == 1 ? List.of(s2) : List.of(s2, s3));
        p.put(0, "a", "aa");
        p.put(0, "b", "bb");
        p.put(0, "c", "cc");
        p.check(0, "a", "aa");
        p.check(0, "b", "bb");
        p.check(0, "c", "cc");

        // Put() immediately after backup failure
        p.kill(s2);
        p.put(0, "a", "aaa");
        p.check(0, "a", "aaa");
        p.pollView(v -> v.number() > v1.number() && PbSim.hasPrimaryAndBackup(v), 15 * PING_INTERVAL);
        p.sleep(SECOND);
        View v2 = p.view();
        assertThat(v2.primary()).isEqualTo(s1);
        assertThat(v2.backups()).containsExactly(s3);
        p.check(0, "a", "aaa");

        // Put() immediately after primary failure
        p.kill(s1);
        p.put(0, "b", "bbb");
        p.check(0, "b", "bbb");
        p.pollView(v -> v.number() > v2.number() && v.primary() != null, 15 * PING_INTERVAL);
        p.sleep(SECOND);
        p.check(0, "a", "aaa");
        p.check(0, "b", "bbb");
        p.check(0, "c", "cc");
        assertThat(p.primary()).isEqualTo(s3);
        p.checkLinearizable();
    }

    /** Starts the servers of the concurrent tests: the original two, plus one per extra backup. */
    private static View startForConcurrent(PbSim p, boolean unreliable) {
        p.sleep(SECOND);
        for (int n = 1; n <= 1 + p.backups; n++) {
            NodeId s = p.start(n);
            if (unreliable) p.c.setUnreliable(s, true);
        }
        p.pollView(v -> v.primary() != null && v.backups().size() == p.backups, SECOND);
        p.sleep(DEAD_TIME);
        View view = p.view();
        assertThat(view.backups()).as(p.c.seedHint()).hasSize(p.backups);
        return view;
    }

    /** 3 clients Put random values to keys "0" and "1" for {@code ticks}. */
    private static void randomPuts(PbSim p, long ticks) {
        List<PbSim.Loop> loops = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Prng prng = Prng.derive(p.c.seed(), "client " + i);
            loops.add(() -> put(Integer.toString(prng.nextInt(2)), Long.toString(prng.nextLong() & Long.MAX_VALUE)));
        }
        p.runConcurrently(loops, ticks, 0, t -> { });
    }

    /**
     * Reads both keys through a fresh client from the primary, then kills the primary (each backup
     * in turn, when there are two) and requires the promoted backup to return the same values.
     */
    private static void killPrimaryAndCompare(PbSim p, View view1, int reader) {
        String k0 = p.c.get(reader, "0", OPERATION_TICKS_MAX);
        String k1 = p.c.get(reader, "1", OPERATION_TICKS_MAX);
        assertThat(k0).as(p.c.seedHint()).isNotEmpty();
        assertThat(k1).as(p.c.seedHint()).isNotEmpty();
        View v = view1;
        for (NodeId next : view1.backups()) {
            p.kill(v.primary());
            p.pollView(w -> next.equals(w.primary()), SECOND);
            assertThat(p.primary()).as(p.c.seedHint()).isEqualTo(next);
            p.check(reader, "0", k0);
            p.check(reader, "1", k1);
            v = p.view();
        }
    }

    /** 5.4 TestConcurrentSame: primary and backups apply concurrent Puts in the same order. */
    @ParameterizedTest(name = "backups={0}")
    @ValueSource(ints = {1, 2})
    void concurrentSame(int backups) {
        PbSim p = new PbSim(SEED, backups, 4);
        View view1 = startForConcurrent(p, false);
        randomPuts(p, 5 * SECOND);
        p.sleep(SECOND);
        p.checkReplicasAgree();
        killPrimaryAndCompare(p, view1, 3);
        p.checkLinearizable();
    }

    /** 5.5 TestConcurrentSameAppend: 3 × 50 Appends; the append checker on the primary and on the promoted backup. */
    @ParameterizedTest(name = "backups={0}")
    @ValueSource(ints = {1, 2})
    void concurrentSameAppend(int backups) {
        PbSim p = new PbSim(SEED, backups, 4);
        View view1 = startForConcurrent(p, false);
        List<List<Outcome>> outcomes = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<PbSim.Loop> loops = new ArrayList<>();
        for (int i = 0; i < 3; i++) loops.add(appender(i, 50, outcomes.get(i)));
        p.runConcurrently(loops, OPERATION_TICKS_MAX, 0, t -> { });
        assertThat(outcomes).allSatisfy(o -> assertThat(o).hasSize(50).allMatch(x -> x instanceof Outcome.Ok));
        String fromPrimary = p.c.get(3, "k", OPERATION_TICKS_MAX);
        PbSim.checkAppends(fromPrimary, outcomes, p.c.seedHint());
        for (NodeId next : view1.backups()) {
            p.kill(p.primary());
            p.pollView(w -> next.equals(w.primary()), SECOND);
            assertThat(p.primary()).isEqualTo(next);
            String fromBackup = p.c.get(3, "k", OPERATION_TICKS_MAX);
            PbSim.checkAppends(fromBackup, outcomes, p.c.seedHint());
            assertThat(fromBackup).as("the promoted backup's value; %s", p.c.seedHint()).isEqualTo(fromPrimary);
        }
        p.checkLinearizable();
    }

    /** A client loop appending "x i n y" to key {@code key}, n = 0, 1, ... below {@code count} (or until stopped). */
    private static PbSim.Loop appender(int client, int count, List<Outcome> outcomes) {
        return appender(client, "k", count, outcomes);
    }

    private static PbSim.Loop appender(int client, String key, int count, List<Outcome> outcomes) {
        return new PbSim.Loop() {
            int n;

            @Override
            public Command next() {
                return n < count ? Commands.append(key, "x " + client + " " + n++ + " y") : null;
            }

            @Override
            public void done(Command command, Outcome outcome) {
                outcomes.add(outcome);
            }
        };
    }

    /** 5.6 TestConcurrentSameUnreliable. */
    @ParameterizedTest(name = "backups={0}")
    @ValueSource(ints = {1, 2})
    void concurrentSameUnreliable(int backups) {
        PbSim p = new PbSim(SEED, backups, 4);
        View view1 = startForConcurrent(p, true);
        p.put(3, "0", "x");
        p.put(3, "1", "x");
        randomPuts(p, 5 * SECOND);
        killPrimaryAndCompare(p, view1, 3);
        p.checkLinearizable();
    }

    /**
     * The killer thread of the crash tests: every two seconds kill a random server, one second
     * later start a fresh (reliable) one in its place.
     */
    private static java.util.function.LongConsumer killer(PbSim p, int servers) {
        Prng prng = Prng.derive(p.c.seed(), "killer");
        NodeId[] victim = new NodeId[1];
        return t -> {
            if (t % (2 * SECOND) == 0) {
                victim[0] = PbSim.s(1 + prng.nextInt(servers));
                p.kill(victim[0]);
            } else if (t % (2 * SECOND) == SECOND) {
                p.start(Integer.parseInt(victim[0].name().substring(1)));
                p.c.setUnreliable(victim[0], false);
            }
        };
    }

    /** A client of TestRepeatedCrash: Get a key it wrote and require its last value; Put a new one. */
    private static PbSim.Loop putGetClient(PbSim p, int client, List<String> failures) {
        Prng prng = Prng.derive(p.c.seed(), "crash client " + client);
        return new PbSim.Loop() {
            final java.util.TreeMap<String, String> written = new java.util.TreeMap<>();
            String key;
            boolean readNext;

            @Override
            public Command next() {
                if (!readNext) {
                    key = Integer.toString(client * 1_000_000 + prng.nextInt(10));
                    if (written.containsKey(key)) {
                        readNext = true;
                        return Commands.get(key);
                    }
                }
                readNext = false;
                return Commands.put(key, Long.toString(prng.nextLong() & Long.MAX_VALUE));
            }

            @Override
            public void done(Command command, Outcome outcome) {
                if (command instanceof Command.Get) {
                    String got = Commands.valueOf(outcome);
                    if (!written.get(key).equals(got)) failures.add("client " + client + " key " + key + ": wrote "
                            + written.get(key) + ", read " + got + " (" + outcome + ")");
                } else if (command instanceof Command.Put put && outcome instanceof Outcome.Ok) {
                    written.put(key, put.value().utf8());
                } else {
                    failures.add("client " + client + " put " + key + " ended " + outcome);
                }
            }
        };
    }

    /** 5.7 TestRepeatedCrash: 20 s of kills and restarts under two clients with their own keys. */
    @ParameterizedTest(name = "backups={0}")
    @ValueSource(ints = {1, 2})
    void repeatedCrash(int backups) {
        PbSim p = new PbSim(SEED, backups, 2);
        p.sleep(SECOND);
        for (int n = 1; n <= 3; n++) p.start(n);
        p.pollView(PbSim::hasPrimaryAndBackup, DEAD_TIME);
        p.sleep(DEAD_TIME);
        List<String> failures = new ArrayList<>();
        p.runConcurrently(List.of(putGetClient(p, 0, failures), putGetClient(p, 1, failures)), 20 * SECOND, 1,
                killer(p, 3));
        assertThat(failures).as(p.c.seedHint()).isEmpty();
        p.put(0, "aaa", "bbb");
        p.check(0, "aaa", "bbb");
        p.checkLinearizable();
    }

    /** 5.8 TestRepeatedCrashUnreliable, 2015: concurrent Appends to one key under kills; the append checker. */
    @ParameterizedTest(name = "backups={0}")
    @ValueSource(ints = {1, 2})
    void repeatedCrashUnreliableAppend(int backups) {
        PbSim p = new PbSim(SEED, backups, 2);
        p.sleep(SECOND);
        for (int n = 1; n <= 3; n++) p.c.setUnreliable(p.start(n), true);
        p.pollView(PbSim::hasPrimaryAndBackup, DEAD_TIME);
        p.sleep(DEAD_TIME);
        List<List<Outcome>> outcomes = List.of(new ArrayList<>(), new ArrayList<>());
        p.runConcurrently(List.of(appender(0, "0", Integer.MAX_VALUE, outcomes.get(0)),
                appender(1, "0", Integer.MAX_VALUE, outcomes.get(1))), 20 * SECOND, 1, killer(p, 3));
        assertThat(outcomes.get(0)).as("client 0 made progress; %s", p.c.seedHint()).hasSizeGreaterThan(10);
        assertThat(outcomes.get(1)).as("client 1 made progress").hasSizeGreaterThan(10);
        PbSim.checkAppends(p.c.get(0, "0", OPERATION_TICKS_MAX), outcomes, p.c.seedHint());
        p.put(0, "aaa", "bbb");
        p.check(0, "aaa", "bbb");
        p.checkLinearizable();
    }

    /** 5.8 TestRepeatedCrashUnreliable, 2014: PutHash chains on per-client keys under kills. */
    @ParameterizedTest(name = "backups={0}")
    @ValueSource(ints = {1, 2})
    void repeatedCrashUnreliablePutHash(int backups) {
        PbSim p = new PbSim(SEED, backups, 2);
        p.sleep(SECOND);
        for (int n = 1; n <= 3; n++) p.c.setUnreliable(p.start(n), true);
        p.pollView(PbSim::hasPrimaryAndBackup, DEAD_TIME);
        p.sleep(DEAD_TIME);
        List<String> failures = new ArrayList<>();
        List<PbSim.Loop> loops = new ArrayList<>();
        for (int i = 0; i < 2; i++) loops.add(putHashClient(i, failures));
        p.runConcurrently(loops, 20 * SECOND, 1, killer(p, 3));
        assertThat(failures).as(p.c.seedHint()).isEmpty();
        p.put(0, "aaa", "bbb");
        p.check(0, "aaa", "bbb");
        p.checkLinearizable();
    }

    /** Each iteration n: PutHash(key, n) must return the previous chain value; then Get must return the new one. */
    private static PbSim.Loop putHashClient(int client, List<String> failures) {
        String key = Integer.toString(client);
        return new PbSim.Loop() {
            int n;
            String chain = "";
            boolean readNext;

            @Override
            public Command next() {
                return readNext ? Commands.get(key) : Commands.putHash(key, Integer.toString(n));
            }

            @Override
            public void done(Command command, Outcome outcome) {
                String got = Commands.valueOf(outcome);
                if (readNext) {
                    if (!chain.equals(got)) failures.add("client " + client + " get after " + n + ": " + got + " != " + chain);
                    readNext = false;
                    return;
                }
                if (!chain.equals(got)) failures.add("client " + client + " PutHash " + n + " returned " + got + " != " + chain);
                chain = Long.toString(Fnv1a.hash32(Bytes.of(chain), Bytes.of(Integer.toString(n++))));
                readNext = true;
            }
        };
    }

    /**
     * The partition of 5.9/5.10: s1 can no longer reach the view service (nor it s1), and
     * every client's messages to s1 take {@code delayTicks}.
     */
    private static void partitionS1(PbSim p, NodeId s1, long delayTicks) {
        p.c.cut(s1, VS).cut(VS, s1);
        for (NodeId client : p.c.clients()) p.c.setLink(client, s1, LinkSettings.delayed(delayTicks, delayTicks));
    }

    /**
     * The original clerk waits for an RPC to a live server until it answers (the delaying proxy
     * holds the call for seconds); ck1 is given an attempt longer than the partition's delay so its
     * Get really waits for the old primary, as in the original.
     */
    private static PbSim partitionSim(int backups, long delayTicks) {
        return new PbSim(SEED, backups, 2, id -> id.equals(Cluster.clientId(0))
                ? new PbClientConfig(delayTicks + 2 * SECOND, PbClientConfig.RETRY_WAIT_TICKS_DEFAULT, 0)
                : PbClientConfig.DEFAULT);
    }

    /** 5.9 TestPartition1: the old primary does not serve Gets. */
    @ParameterizedTest(name = "backups={0}")
    @ValueSource(ints = {1, 2})
    void partition1(int backups) {
        PbSim p = partitionSim(backups, 4 * SECOND);
        p.sleep(SECOND);
        NodeId s1 = p.start(1);
        p.sleep(SECOND);
        assertThat(p.primary()).isEqualTo(s1);
        NodeId s2 = p.start(2);
        p.sleep(SECOND);
        assertThat(p.view().backups()).containsExactly(s2);
        p.put(0, "a", "1");
        p.check(0, "a", "1");

        partitionS1(p, s1, 4 * SECOND);
        Cluster.Invocation staleGet = p.c.invoke(0, Commands.get("a"));
        p.pollView(v -> s2.equals(v.primary()), 15 * PING_INTERVAL);
        assertThat(p.primary()).isEqualTo(s2);
        p.sleep(20);
        p.put(1, "a", "111");
        p.check(1, "a", "111");
        p.poll(() -> p.c.done(staleGet), 5 * SECOND);
        if (p.c.done(staleGet)) {
            assertThat(Commands.valueOf(p.c.outcome(staleGet)))
                    .as("Get to old primary succeeded and produced stale value; %s", p.c.seedHint()).isNotEqualTo("1");
        }
        p.check(1, "a", "111");
        p.checkLinearizable();
    }

    /** 5.10 TestPartition2: a partitioned old primary whose backup died does not complete Gets. */
    @ParameterizedTest(name = "backups={0}")
    @ValueSource(ints = {1, 2})
    void partition2(int backups) {
        PbSim p = partitionSim(backups, 5 * SECOND);
        p.sleep(SECOND);
        NodeId s1 = p.start(1);
        p.sleep(SECOND);
        assertThat(p.primary()).isEqualTo(s1);
        NodeId s2 = p.start(2);
        p.sleep(SECOND);
        assertThat(p.view().backups()).containsExactly(s2);
        p.put(0, "a", "1");
        p.check(0, "a", "1");

        partitionS1(p, s1, 5 * SECOND);
        Cluster.Invocation staleGet = p.c.invoke(0, Commands.get("a"));
        p.pollView(v -> s2.equals(v.primary()), 15 * PING_INTERVAL);
        assertThat(p.primary()).isEqualTo(s2);
        NodeId s3 = p.start(3);
        p.pollView(v -> s2.equals(v.primary()) && v.backups().equals(List.of(s3)), 15 * PING_INTERVAL);
        assertThat(p.view().backups()).as(p.c.seedHint()).containsExactly(s3);
        p.sleep(2 * SECOND);
        p.put(1, "a", "2");
        p.check(1, "a", "2");
        p.kill(s2);
        p.poll(() -> p.c.done(staleGet), 6 * SECOND);
        if (p.c.done(staleGet)) {
            assertThat(Commands.valueOf(p.c.outcome(staleGet)))
                    .as("partitioned primary replied to a Get with a stale value; %s", p.c.seedHint()).isNotEqualTo("1");
        }
        p.check(1, "a", "2");
        assertThat(p.primary()).isEqualTo(s3);
        p.checkLinearizable();
    }
}
