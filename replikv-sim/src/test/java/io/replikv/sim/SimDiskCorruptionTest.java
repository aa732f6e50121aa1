package io.replikv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.client.ClientConfig;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Goal: the simulated disk judges its records at a restart as production's WAL replay does
 * (replikv-server WalReplay): a record failing its checksum at the very end (a torn write, or a
 * synced last record that was damaged) is cut off; one with records after it is corruption, and
 * the restart is refused with a message naming the record and the node, which stays down until it
 * is wiped; damage to an op that never reached the platter changes nothing; and all of it replays
 * exactly from the seed.
 */
class SimDiskCorruptionTest {
    private static final ClientConfig FAST = new ClientConfig(10, 10, 0);

    private static PersistOp entry(long index) {
        return new PersistOp.AppendLog(index, List.of(Bytes.of("e" + index)));
    }

    /** One durable server (a record per write: the whole state) after appends "a", "b", "c" to k. */
    private static Cluster threeWrites(long seed) {
        Cluster c = Cluster.builder().seed(seed).servers(1, DurableKvCore.factory())
                .clients(1, ClientFactory.core(FAST)).build();
        for (String v : List.of("a", "b", "c")) c.append(0, "k", v, 100);
        assertThat(c.disk(c.server(0)).records()).isEqualTo(3);
        return c;
    }

    @Test
    void aCorruptMiddleRecordRefusesTheRestartUntilTheDiskIsWiped() {
        Cluster c = threeWrites(31);
        NodeId n1 = c.server(0);
        c.crash(n1);
        assertThat(c.corrupt(n1, 2)).isTrue();
        c.restart(n1);

        assertThat(c.alive(n1)).isFalse();
        assertThat(c.restartRefusal(n1)).startsWith("corrupt record 2 of 3 in node n1's disk: its checksum does not match");
        assertThat(c.traceLines()).anyMatch(l -> l.contains("restart-refused n1 corrupt record 2 of 3"));
        assertThat(c.simulator().restarts(n1)).isZero();
        c.restart(n1); // refused again: nothing from that disk is ever served
        assertThat(c.alive(n1)).isFalse();

        c.wipeAndRestart(n1);
        assertThat(c.alive(n1)).isTrue();
        assertThat(c.restartRefusal(n1)).isNull();
        assertThat(c.node(n1, DurableKvCore.class).recoveredState).isFalse();
        assertThat(c.get(0, "k", 100)).isEmpty();
        assertThat(c.disk(n1).wipes()).isEqualTo(1);
    }

    @Test
    void aCorruptLastRecordIsCutLikeATornWriteEvenIfItWasSynced() {
        Cluster c = threeWrites(32);
        NodeId n1 = c.server(0);
        c.crash(n1);
        c.corrupt(n1, 3);
        c.restart(n1);

        assertThat(c.alive(n1)).isTrue();
        assertThat(c.node(n1, DurableKvCore.class).value("k")).isEqualTo("ab");
        assertThat(c.traceLines()).anyMatch(l -> l.contains("tail-cut n1 record 3"));
        assertThat(c.disk(n1).records()).isEqualTo(2);
        // the disk goes on from the cut: the next write is record 3 again, and intact
        c.append(0, "k", "d", 100);
        c.crash(n1).restart(n1);
        assertThat(c.node(n1, DurableKvCore.class).value("k")).isEqualTo("abd");
    }

    @Test
    void aTornCrashLeavesAHalfWrittenLastRecordThatTheRestartCuts() {
        int torn = 0;
        for (long seed = 0; seed < 50; seed++) {
            SimDisk disk = new SimDisk(Prng.derive(seed, "disk"), true);
            disk.apply(entry(1));
            disk.sync();
            for (long i = 2; i <= 4; i++) disk.apply(entry(i));
            disk.crash();
            long durable = disk.durableOps();
            if (durable == 4) {
                assertThat(disk.records()).isEqualTo(4);
                assertThat(disk.recover()).isInstanceOf(SimDisk.Recovery.Clean.class);
                continue;
            }
            torn++;
            assertThat(disk.records()).isEqualTo(durable + 1);
            // damaging the half-written record as well changes nothing: it is cut either way
            disk.corrupt(durable + 1);
            assertThat(disk.recover()).isEqualTo(new SimDisk.Recovery.TailCut(durable + 1));
            assertThat(disk.records()).isEqualTo(durable);
            assertThat(disk.log().lastIndex()).isEqualTo(durable);
        }
        assertThat(torn).isPositive();
    }

    @Test
    void aCorruptRecordBeforeATornTailIsStillCorruption() {
        SimDisk disk = new SimDisk(new Prng(7), true);
        for (long i = 1; i <= 3; i++) disk.apply(entry(i));
        disk.sync();
        for (long i = 4; i <= 9; i++) disk.apply(entry(i));
        disk.crash();
        disk.corrupt(3);
        assertThat(disk.recover()).isEqualTo(new SimDisk.Recovery.Corrupt(3, disk.records()));
        assertThat(disk.records()).isGreaterThan(3); // a refused recovery changes nothing
    }

    @Test
    void corruptingAnOpThatWasNeverSyncedChangesNothing() {
        SimDisk disk = new SimDisk(new Prng(8), false);
        disk.apply(entry(1));
        disk.apply(entry(2));
        disk.sync();
        disk.apply(entry(3));
        assertThat(disk.corrupt(3)).isFalse();
        disk.crash();
        assertThat(disk.recover()).isInstanceOf(SimDisk.Recovery.Clean.class);
        assertThat(disk.log().lastIndex()).isEqualTo(2);
        assertThat(disk.corruptions()).isZero();
    }

    /** Writes, torn crashes, damage to random records and restarts, all drawn from the seed. */
    private static String randomRun(long seed) {
        Cluster c = Cluster.builder().seed(seed).servers(1, DurableKvCore.factory())
                .clients(1, ClientFactory.core(FAST)).disk(DiskSettings.delayed(0, 3).withTearOnCrash(true)).build();
        NodeId n1 = c.server(0);
        Prng choices = Prng.derive(seed, "choices");
        StringBuilder out = new StringBuilder();
        for (int round = 0; round < 6; round++) {
            Cluster.Invocation op = c.invoke(0, Commands.append("k", "v" + round));
            c.tick(choices.between(0, 4));
            c.crash(n1);
            if (choices.chance(0.5)) c.corrupt(n1, 1 + choices.nextLong(c.disk(n1).records() + 1));
            c.restart(n1);
            if (c.restartRefusal(n1) != null) {
                out.append(c.restartRefusal(n1), 0, 30).append(';');
                c.wipeAndRestart(n1);
            }
            c.await(op, 200);
        }
        return out + " digest=" + c.traceDigest();
    }

    @Test
    void sameSeedSameCorruptionsAndVerdicts() {
        for (long seed = 1; seed <= 5; seed++) {
            assertThat(randomRun(seed)).as("seed %d", seed).isEqualTo(randomRun(seed));
        }
        assertThat(randomRun(1)).isNotEqualTo(randomRun(2));
    }
}
