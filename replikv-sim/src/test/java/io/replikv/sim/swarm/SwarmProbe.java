package io.replikv.sim.swarm;

import org.junit.jupiter.api.Test;

/** Temporary: timing probe. */
class SwarmProbe {
    @Test
    void probe() {
        String mode = System.getProperty("probe.mode", "raft");
        int seeds = Integer.getInteger("probe.seeds", 10);
        long ticks = Long.getLong("probe.ticks", 2000);
        long first = Long.getLong("probe.first", 1);
        SimMode m = SimModes.byName(mode).orElseThrow();
        long start = System.nanoTime();
        int failed = 0;
        for (long s = first; s < first + seeds; s++) {
            long t0 = System.nanoTime();
            SeedResult r = Swarm.run(m, s, SwarmSettings.bulk(ticks, 0));
            System.out.println(r.line() + " " + (System.nanoTime() - t0) / 1_000_000 + "ms ticks=" + r.ticks());
            if (!r.passed()) {
                failed++;
                if (failed <= 2) System.out.println(r.failure().details());
            }
        }
        System.out.println("total " + (System.nanoTime() - start) / 1_000_000 + " ms, failed " + failed);
    }
}
