package io.replikv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import io.replikv.sim.ProbeNode.Ack;
import io.replikv.sim.ProbeNode.Flush;
import io.replikv.sim.ProbeNode.Mode;
import io.replikv.sim.ProbeNode.Ping;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Goal: the simulated disk loses exactly what was not synced when its node crashes (or, tearing,
 * keeps only a prefix of it), a restart recovers only durable state, and the simulator never lets
 * a sendAfterPersist message leave before the sync that covers it has completed.
 */
class SimDiskTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");

    private static PersistOp put(String key, String value) {
        return new PersistOp.PutStable(key, Bytes.of(value));
    }

    private static PersistOp entry(long index) {
        return new PersistOp.AppendLog(index, List.of(Bytes.of("e" + index)));
    }

    @Test
    void unsyncedOpsAreVisibleUntilACrashLosesThem() {
        SimDisk disk = new SimDisk(new Prng(1), false);
        disk.apply(put("term", "1"));
        disk.sync();
        disk.apply(put("term", "2"));
        disk.apply(entry(1));
        assertThat(disk.stable().get("term")).contains(Bytes.of("2"));
        assertThat(disk.log().lastIndex()).isEqualTo(1);
        assertThat(disk.pendingOps()).isEqualTo(2);

        assertThat(disk.crash()).isEqualTo(2);
        assertThat(disk.stable().get("term")).contains(Bytes.of("1"));
        assertThat(disk.log().lastIndex()).isZero();
        assertThat(disk.syncCount()).isEqualTo(1);
        assertThat(disk.lostOps()).isEqualTo(2);
    }

    @Test
    void syncThroughMakesOnlyThePrefixDurable() {
        SimDisk disk = new SimDisk(new Prng(2), false);
        for (long i = 1; i <= 5; i++) disk.apply(entry(i));
        disk.syncThrough(3);
        assertThat(disk.durableCopy().lastIndex()).isEqualTo(3);
        disk.crash();
        assertThat(disk.log().lastIndex()).isEqualTo(3);
        assertThat(disk.log().entry(3)).isEqualTo(Bytes.of("e3"));
    }

    @Test
    void tornCrashKeepsARandomPrefixOfThePendingOps() {
        TreeSet<Long> kept = new TreeSet<>();
        for (long seed = 0; seed < 200; seed++) {
            SimDisk disk = new SimDisk(Prng.derive(seed, "disk"), true);
            disk.apply(entry(1));
            disk.sync();
            for (long i = 2; i <= 6; i++) disk.apply(entry(i));
            disk.crash();
            MemoryStorage durable = disk.durableCopy();
            long last = durable.lastIndex();
            for (long i = 1; i <= last; i++) assertThat(durable.entry(i)).isEqualTo(Bytes.of("e" + i));
            kept.add(last);
        }
        // every prefix length from nothing-extra to everything shows up
        assertThat(kept).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    private static Simulator persistingPair(long seed, DiskSettings disk) {
        Simulator sim = new Simulator(seed);
        sim.setDiskDefaults(disk);
        sim.addNode(A, ProbeNode.factory(sim::now, Mode.RECORD, null));
        sim.addNode(B, ProbeNode.factory(sim::now, Mode.PERSIST_ACK, null));
        return sim;
    }

    @Test
    void anAckAfterPersistLeavesOnlyWhenTheSyncCompletes() {
        Simulator sim = persistingPair(3, DiskSettings.delayed(5, 5));
        ProbeNode a = (ProbeNode) sim.node(A);
        a.queue(B, new Ping(1)); // sent at tick 1, arrives at 2, synced at 7, ack arrives at 8
        sim.run(7);
        assertThat(a.received).isEmpty();
        assertThat(sim.disk(B).pendingOps()).isZero();
        sim.tick();
        assertThat(a.received).containsExactly(new ProbeNode.Received(8, B, new Ack(1)));
        assertThat(sim.disk(B).syncCount()).isEqualTo(1);
    }

    @Test
    void aCrashBeforeTheSyncLosesTheWriteAndTheAck() {
        Simulator sim = persistingPair(4, DiskSettings.delayed(5, 5));
        ProbeNode a = (ProbeNode) sim.node(A);
        a.queue(B, new Ping(1));
        sim.run(4);
        assertThat(sim.disk(B).pendingOps()).isEqualTo(1);
        sim.crash(B);
        sim.run(20);
        assertThat(a.received).isEmpty();
        assertThat(sim.disk(B).durableCopy().get("ping-1")).isEmpty();
        sim.restart(B);
        assertThat(((ProbeNode) sim.node(B)).recovered.stable().get("ping-1")).isEmpty();
    }

    @Test
    void aSendAfterPersistWithNothingToPersistStillWaitsForEarlierWrites() {
        Simulator sim = persistingPair(5, DiskSettings.delayed(6, 6));
        ProbeNode a = (ProbeNode) sim.node(A);
        a.queue(B, new Ping(1));
        a.queue(B, new Flush(2)); // both arrive at 2; the ping's sync completes at 8
        sim.run(8);
        assertThat(a.received).isEmpty();
        sim.tick();
        assertThat(a.received).extracting(ProbeNode.Received::message).containsExactly(new Ack(1), new Ack(2));
        // with nothing pending, a flush is answered at once: sent at 10, arrives at 11, ack arrives at 12
        a.queue(B, new Flush(3));
        sim.run(3);
        assertThat(a.received).extracting(ProbeNode.Received::tick).containsExactly(9L, 9L, 12L);
    }

    @Test
    void syncsOfOneNodeCompleteInOrderEvenWithRandomDelays() {
        Simulator sim = persistingPair(6, DiskSettings.delayed(0, 20));
        ProbeNode a = (ProbeNode) sim.node(A);
        for (int i = 0; i < 30; i++) {
            a.queue(B, new Ping(i));
            sim.tick();
        }
        sim.run(40);
        assertThat(a.received).extracting(r -> ((Ack) r.message()).n())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 30).boxed().toList());
        assertThat(sim.disk(B).syncCount()).isEqualTo(30);
    }

    @Test
    void immediateDisksSyncOncePerPersistingInput() {
        Simulator sim = persistingPair(7, DiskSettings.IMMEDIATE);
        ProbeNode a = (ProbeNode) sim.node(A);
        for (int i = 0; i < 5; i++) a.queue(B, new Ping(i));
        sim.run(3);
        assertThat(a.received).hasSize(5);
        assertThat(sim.disk(B).syncCount()).isEqualTo(5);
        sim.crash(B);
        assertThat(sim.disk(B).durableCopy().get("ping-4")).contains(Bytes.of("a"));
    }
}
