package io.replikv.sim.raft;

import io.replikv.sim.DiskSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Goal (ours, beyond the 6.824 suites): KV on Raft keeps every acknowledged write when disks are
 * slow and crashes tear them. Syncs take 0–5 ticks and complete in order, so nodes keep receiving
 * messages while their writes are not yet durable, and a crash makes only a random prefix of the
 * pending writes durable. This is what the leader's LogPersisted self-message and persist-before-send
 * exist for. GenericTest with partitions, restarts, an unreliable network and snapshots, on several seeds.
 */
class KvRaftSlowDiskTest {
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {301, 302, 303, 304, 305, 306})
    void acknowledgedWritesSurviveTornSlowDisks(long seed) {
        KvTester cfg = new KvTester(seed, 5, 6, true, 1000, DiskSettings.delayed(0, 5).withTearOnCrash(true));
        KvGenericTest.run(cfg, 5, true, true, false);
    }
}
