package io.replikv.sim.twophase;

import static io.replikv.sim.twophase.TwoPcHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.client.Outcome;
import io.replikv.sim.Cluster;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Goal: the group view service's role in availability and safety. Writes need every member but
 * not the service; a restarted service continues the view numbering from its disk; the side of a
 * partition that holds the service forms the next view and keeps writing while the other side
 * completes nothing and serves no read; replicas on the unreliable links of the original labs
 * (requests and replies lost) still apply every append exactly once.
 */
class TwoPcViewServiceTest {
    @Test
    void writesContinueWhileTheServiceIsDownAndARestartedServiceKeepsTheNumbering() {
        Cluster c = start(81, 3, 2);
        c.put(0, "k", "a", 500);
        c.crash(VS);
        c.append(1, "k", "b", 500);
        c.append(0, "k", "c", 500);
        c.restart(VS);
        assertThat(viewService(c).view().number()).isEqualTo(1);
        c.crash(c.server(2));
        awaitView(c, List.of(c.server(0), c.server(1)), 1_000);
        assertThat(viewService(c).view().number()).isEqualTo(2);
        assertThat(c.get(0, "k", 500)).as(c.seedHint()).isEqualTo("abc");
        c.restart(c.server(2));
        awaitView(c, c.servers(), 1_000);
        assertAgreement(c);
    }

    @Test
    void theSideWithTheServiceContinuesAndTheOtherSideCompletesNothing() {
        Cluster c = start(82, 3, 2);
        NodeId n1 = c.server(0), n2 = c.server(1), n3 = c.server(2);
        c.put(0, "k", "before", 500);
        c.partition(Set.of(n1, VS), Set.of(n2, n3));
        awaitView(c, List.of(n1), 1_000);
        // n2 and n3 lost their leases and cannot reach n1 for votes: clients end up at n1
        c.tickUntil("n2 and n3 stop serving", () -> !replica(c, n2).status().details().get("lease").equals("true")
                && !replica(c, n3).status().details().get("lease").equals("true"), 100);
        c.put(0, "k", "during", 2_000);
        c.put(1, "other", "x", 2_000);
        assertThat(TwoPcConcurrencyTest.valueAt(c, n2, "k")).as(c.seedHint()).isEqualTo("before");
        c.heal();
        awaitView(c, c.servers(), 2_000);
        assertThat(TwoPcConcurrencyTest.valueAt(c, n2, "k")).isEqualTo("during");
        assertThat(TwoPcConcurrencyTest.valueAt(c, n3, "other")).isEqualTo("x");
        assertAgreement(c);
    }

    @Test
    void appendsThroughUnreliableReplicasApplyExactlyOnce() {
        for (long seed = 91; seed <= 92; seed++) {
            Cluster c = start(seed, 3, 3);
            for (NodeId s : c.servers()) c.setUnreliable(s, true);
            Map<Integer, List<Outcome>> outcomes = runClosedLoop(c, 15, ci -> i -> appendElement("k", ci, i), 100_000);
            for (NodeId s : c.servers()) c.setUnreliable(s, false);
            outcomes.forEach((ci, list) -> c.check("client " + ci, () ->
                    assertThat(list).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Ok.class))));
            awaitView(c, c.servers(), 5_000);
            String value = c.get(0, "k", 2_000);
            checkAppends(c, value, 3, 15);
            c.tickUntil("all replicas applied", () -> c.servers().stream()
                    .allMatch(s -> value.equals(TwoPcConcurrencyTest.valueAt(c, s, "k"))), 2_000);
            assertAgreement(c);
            assertThat(c.trace()).contains(" unreliable");
        }
    }
}
