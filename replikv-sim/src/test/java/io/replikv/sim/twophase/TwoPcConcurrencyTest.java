package io.replikv.sim.twophase;

import static io.replikv.sim.twophase.TwoPcHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.client.Outcome;
import io.replikv.core.util.Bytes;
import io.replikv.sim.Cluster;
import io.replikv.sim.LinkSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Goal: conflicting writes to one key through different coordinators are serialized — each
 * commits once, in one order on every replica — on a reliable network and on one that drops,
 * delays, reorders and duplicates messages (the 6.824 "concurrent appends" checker: every
 * client's elements appear exactly once and in its order; replicas end with equal digests).
 * Each runs with the single group view service and with the replicated one (three members).
 */
class TwoPcConcurrencyTest {
    private static final int CLIENTS = 5;
    private static final int APPENDS = 15;

    @ParameterizedTest
    @EnumSource(Vs.class)
    void concurrentAppendsToOneKeyApplyOnceInOneOrder(Vs vs) {
        for (long seed = 1; seed <= 3; seed++) {
            Cluster c = start(vs, seed, 3, CLIENTS);
            Map<Integer, List<Outcome>> outcomes = runClosedLoop(c, APPENDS, ci -> i -> appendElement("k", ci, i), 20_000);
            outcomes.forEach((ci, list) -> c.check("client " + ci + " outcomes", () ->
                    assertThat(list).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Ok.class))));
            String value = c.get(0, "k", 1_000);
            checkAppends(c, value, CLIENTS, APPENDS);
            assertThat(value.length()).as(c.seedHint()).isEqualTo(expectedLength());
            assertAgreement(c);
            // the clients really went through different coordinators and conflicted
            long coordinators = c.servers().stream()
                    .filter(s -> Long.parseLong(replica(c, s).status().details().get("commits")) > 0).count();
            assertThat(coordinators).as(c.seedHint()).isGreaterThan(1);
            assertThat(c.servers().stream().mapToLong(s -> Long.parseLong(replica(c, s).status().details().get("aborts"))).sum())
                    .as("conflicts happened; " + c.seedHint()).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(Vs.class)
    void concurrentAppendsOverAnUnreliableNetwork(Vs vs) {
        for (long seed = 11; seed <= 13; seed++) {
            Cluster c = builder(vs, seed, 3, CLIENTS)
                    .network(new LinkSettings(0.1, 1, 4, 0.05)).build();
            awaitView(c, c.servers(), 2_000);
            Map<Integer, List<Outcome>> outcomes = runClosedLoop(c, APPENDS, ci -> i -> appendElement("k", ci, i), 100_000);
            c.heal();
            c.network().setDefaults(LinkSettings.RELIABLE);
            String value = c.get(0, "k", 5_000);
            // a client may give up on nothing (retries forever), so every append is Ok and present exactly once
            outcomes.forEach((ci, list) -> c.check("client " + ci + " outcomes", () ->
                    assertThat(list).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Ok.class))));
            checkAppends(c, value, CLIENTS, APPENDS);
            assertThat(value.length()).as(c.seedHint()).isEqualTo(expectedLength());
            c.tickUntil("every replica applied everything",
                    () -> c.servers().stream().allMatch(s -> value.equals(valueAt(c, s, "k"))), 2_000);
            assertAgreement(c);
        }
    }

    @ParameterizedTest
    @EnumSource(Vs.class)
    void writesToDifferentKeysAgreeIncludingTheSessionTable(Vs vs) {
        Cluster c = start(vs, 21, 3, CLIENTS);
        runClosedLoop(c, 20, ci -> i -> io.replikv.sim.Commands.put("key" + (i % 7), "c" + ci + "-" + i), 20_000);
        assertAgreement(c);
        for (var s : c.servers()) {
            assertThat(replica(c, s).stateMachine().sessions().size()).as(c.seedHint()).isEqualTo(CLIENTS);
        }
    }

    @ParameterizedTest
    @EnumSource(Vs.class)
    void writesToManyKeysOverAReorderingNetworkApplyInOneOrderEverywhere(Vs vs) {
        // different keys do not conflict, so only the commit order keeps the session table (whose
        // eviction order is its apply order) identical on every replica
        for (long seed = 31; seed <= 33; seed++) {
            Cluster c = builder(vs, seed, 3, CLIENTS).network(LinkSettings.delayed(1, 6)).build();
            awaitView(c, c.servers(), 2_000);
            runClosedLoop(c, 20, ci -> i -> io.replikv.sim.Commands.append("key" + ((ci * 3 + i) % 11), ci + "." + i), 50_000);
            c.tickUntil("every replica applied everything", () -> c.servers().stream()
                    .allMatch(s -> replica(c, s).stateMachine().appliedCount() == CLIENTS * 20), 2_000);
            assertAgreement(c);
        }
    }

    static String valueAt(Cluster c, io.replikv.core.NodeId id, String key) {
        Bytes v = replica(c, id).stateMachine().data().get(Bytes.of(key));
        return v == null ? null : v.utf8();
    }

    private static int expectedLength() {
        int n = 0;
        for (int ci = 0; ci < CLIENTS; ci++) for (int i = 0; i < APPENDS; i++) n += element(ci, i).length();
        return n;
    }
}
