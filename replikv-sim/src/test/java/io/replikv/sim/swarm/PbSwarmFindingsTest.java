package io.replikv.sim.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Goal: what the swarm found in mode pb once it crashed the view service, the primary and the
 * whole cluster stays fixed.
 * <ol>
 *   <li>A primary acknowledged a view (pinged its number) before its record "synced in this view"
 *       was on disk. The service then made the next view; a whole-cluster crash took the record
 *       back, so the primary's claim named the view before the one it had acknowledged, which the
 *       recovery rule must refuse: the service waited for good. Seed 100123 (two whole-cluster
 *       crashes, a slow disk) ended so, waived as the design's dead end. Fix: a primary's ping
 *       acknowledging its view leaves after persistence. The seed must now pass without a waiver.</li>
 *   <li>The swarm's one-primary-per-view check read the view service's view from memory: a view
 *       the service made and lost in a crash before it was durable (shown to no one) was counted,
 *       and the restarted service's different view of that number looked like a second primary.
 *       Seeds 100443 and 101056. The check now counts the service's view once it is durable.</li>
 *   <li>A server restarted after a whole-cluster crash pinged 0 with its claim while idle; the
 *       service made it the backup of the next view, and that ping, still in flight, arrived after:
 *       "a member pinging 0 with a claim" was taken for a restart. When the primary was then
 *       wiped (a corrupt disk), the synced backup counted as restarted too and the view was stuck
 *       for good. Seed 601533. Fix: only a claim the service had not seen from that server before
 *       says it restarted again.</li>
 * </ol>
 */
class PbSwarmFindingsTest {
    @Test
    void aPrimaryAcknowledgesAViewOnlyOnceItsDiskSaysSo() {
        SeedResult r = Swarm.run(new PbMode(), 100123, SwarmSettings.bulk(2_000, 0));
        assertThat(r.passed()).as(r.line() + (r.passed() ? "" : "\n" + r.failure().details())).isTrue();
        assertThat(r.livenessWaived()).as(r.line()).isNull();
        assertThat(r.faults()).contains("whole-crashes=2");
    }

    @Test
    void aPingWithTheClaimAlreadySeenIsNoNewRestart() {
        SeedResult r = Swarm.run(new PbMode(), 601533, SwarmSettings.bulk(2_000, 0));
        assertThat(r.passed()).as(r.line() + (r.passed() ? "" : "\n" + r.failure().details())).isTrue();
        assertThat(r.livenessWaived()).as(r.line()).isNull();
        assertThat(r.faults()).contains("whole-crashes=2").contains("wipes=1");
    }

    @Test
    void aViewTheServiceLostBeforeItWasDurableIsNoSecondPrimary() {
        for (long seed : new long[] {100443, 101056}) {
            SeedResult r = Swarm.run(new PbMode(), seed, SwarmSettings.bulk(2_000, 0));
            assertThat(r.passed()).as(r.line() + (r.passed() ? "" : "\n" + r.failure().details())).isTrue();
        }
    }
}
