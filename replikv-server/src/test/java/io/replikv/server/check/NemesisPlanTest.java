package io.replikv.server.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.server.check.NemesisPlan.Fault;
import io.replikv.server.check.NemesisPlan.Step;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Goal: the nemesis never faults more nodes at once than the mode tolerates (a minority for raft,
 * one for the view-service modes and single), never faults a node twice, picks only enabled faults
 * and durations within half to one and a half intervals; and --nemesis parses as documented.
 */
class NemesisPlanTest {
    @Test
    void theFaultLimitPerMode() {
        assertThat(NemesisPlan.faultedMax("raft", 3)).isEqualTo(1);
        assertThat(NemesisPlan.faultedMax("raft", 4)).isEqualTo(1);
        assertThat(NemesisPlan.faultedMax("raft", 5)).isEqualTo(2);
        assertThat(NemesisPlan.faultedMax("raft", 7)).isEqualTo(3);
        assertThat(NemesisPlan.faultedMax("raft", 2)).isZero();
        assertThat(NemesisPlan.faultedMax("2pc", 5)).isEqualTo(1);
        assertThat(NemesisPlan.faultedMax("pb", 3)).isEqualTo(1);
        assertThat(NemesisPlan.faultedMax("single", 1)).isEqualTo(1);
    }

    /**
     * Drives the plan as the nemesis does, with faults ending at random times, and checks the
     * faulted set after every round against the limit.
     */
    @Property(tries = 200)
    void neverMoreFaultedThanTheLimit(@ForAll @IntRange(min = 1, max = 7) int nodes, @ForAll long seed,
                                      @ForAll("modes") String mode) {
        List<String> targets = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) targets.add("n" + i);
        int max = NemesisPlan.faultedMax(mode, nodes);
        long intervalMs = 1_000;
        NemesisPlan plan = new NemesisPlan(EnumSet.allOf(Fault.class), targets, max, intervalMs, seed);
        SplittableRandom clock = new SplittableRandom(seed ^ 0x5eed);
        TreeMap<String, Long> faultedUntil = new TreeMap<>();
        for (long now = 0; now < 200 * intervalMs; now += intervalMs) {
            long t = now;
            faultedUntil.values().removeIf(until -> until <= t + clock.nextLong(intervalMs));
            Optional<Step> step = plan.next(new TreeSet<>(faultedUntil.keySet()));
            if (step.isPresent()) {
                Step s = step.get();
                assertThat(faultedUntil).as("seed %d: %s is faulted already", seed, s.target()).doesNotContainKey(s.target());
                assertThat(targets).contains(s.target());
                assertThat(s.durationMs()).isBetween(intervalMs / 2, intervalMs * 3 / 2);
                faultedUntil.put(s.target(), now + s.durationMs());
            }
            assertThat(faultedUntil.size()).as("seed %d, %s with %d nodes", seed, mode, nodes).isLessThanOrEqualTo(max);
        }
    }

    /**
     * With a replicated view service the members are faulted too, each group within its own limit:
     * the mode's for the nodes, a minority for the view-service members.
     */
    @Property(tries = 200)
    void eachGroupStaysWithinItsLimit(@ForAll @IntRange(min = 1, max = 5) int nodes, @ForAll @IntRange(min = 1, max = 7) int members,
                                      @ForAll long seed, @ForAll("modes") String mode) {
        List<String> nodeNames = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) nodeNames.add("n" + i);
        List<String> vsNames = new ArrayList<>();
        for (int j = 1; j <= (members == 2 ? 1 : members); j++) vsNames.add(members == 1 ? "vs" : "vs" + j);
        List<NemesisPlan.Group> groups = NemesisPlan.groups(mode, nodeNames, vsNames);
        NemesisPlan plan = new NemesisPlan(EnumSet.allOf(Fault.class), groups, 1_000, seed);
        TreeSet<String> faulted = new TreeSet<>();
        SplittableRandom undo = new SplittableRandom(seed);
        boolean vsFaulted = false;
        for (int round = 0; round < 300; round++) {
            if (!faulted.isEmpty() && undo.nextBoolean()) faulted.remove(faulted.first());
            plan.next(faulted).ifPresent(s -> faulted.add(s.target()));
            long downNodes = faulted.stream().filter(nodeNames::contains).count();
            long downMembers = faulted.stream().filter(vsNames::contains).count();
            assertThat(downNodes).as("seed %d", seed).isLessThanOrEqualTo(NemesisPlan.faultedMax(mode, nodes));
            long membersMax = vsNames.size() >= 3 ? (vsNames.size() - 1) / 2 : 0; // a single view service is never faulted
            assertThat(downMembers).as("seed %d: a majority of %s stays up", seed, vsNames).isLessThanOrEqualTo(membersMax);
            vsFaulted |= downMembers > 0;
        }
        if (vsNames.size() >= 3) assertThat(vsFaulted).as("seed %d: the members are faulted at all", seed).isTrue();
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> modes() {
        return net.jqwik.api.Arbitraries.of("raft", "2pc", "pb", "single");
    }

    @Test
    void picksOnlyEnabledFaultsAndSkipsWhenNoneAre() {
        NemesisPlan pauses = new NemesisPlan(EnumSet.of(Fault.PAUSE), List.of("n1", "n2", "n3"), 1, 100, 1);
        for (int i = 0; i < 50; i++) assertThat(pauses.next(new TreeSet<>()).orElseThrow().fault()).isEqualTo(Fault.PAUSE);
        NemesisPlan none = new NemesisPlan(EnumSet.noneOf(Fault.class), List.of("n1"), 1, 100, 1);
        assertThat(none.next(new TreeSet<>())).isEmpty();
    }

    @Test
    void theSameSeedMakesTheSameChoices() {
        NemesisPlan a = new NemesisPlan(EnumSet.allOf(Fault.class), List.of("n1", "n2", "n3", "n4", "n5"), 2, 3_000, 42);
        NemesisPlan b = new NemesisPlan(EnumSet.allOf(Fault.class), List.of("n1", "n2", "n3", "n4", "n5"), 2, 3_000, 42);
        for (int i = 0; i < 20; i++) assertThat(a.next(new TreeSet<>())).isEqualTo(b.next(new TreeSet<>()));
    }

    @Test
    void parsesTheNemesisOption() {
        assertThat(NemesisPlan.parse("kill,pause")).containsExactly(Fault.KILL, Fault.PAUSE);
        assertThat(NemesisPlan.parse(" restart , kill ")).containsExactly(Fault.KILL, Fault.RESTART);
        assertThat(NemesisPlan.parse("none")).isEmpty();
        assertThatThrownBy(() -> NemesisPlan.parse("kill,partition")).hasMessageContaining("unknown fault 'partition'");
        assertThatThrownBy(() -> NemesisPlan.parse("")).hasMessageContaining("unknown fault");
    }
}
