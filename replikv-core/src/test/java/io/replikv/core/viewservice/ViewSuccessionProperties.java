package io.replikv.core.viewservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the view succession rule (specs §2.2) for any view, liveness and restart marks,
 * with 1 to 3 backups: the new primary always comes from the old view and is fit; a fit primary
 * is never replaced; fit backups are kept; nothing changes when nothing can improve; with the same
 * servers alive a second step changes nothing more.
 */
class ViewSuccessionProperties {
    private static final List<NodeId> POOL = List.of("s0", "s1", "s2", "s3", "s4", "s5").stream().map(NodeId::of).toList();

    record Case(View view, TreeSet<NodeId> live, Set<NodeId> restarted, int backupsMax) {}

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Set<NodeId>> subset = Arbitraries.of(POOL).set().ofMaxSize(POOL.size());
        return Arbitraries.integers().between(1, 3).flatMap(max -> {
            // a view the service could have made: at most max backups
            Arbitrary<List<NodeId>> members = Arbitraries.of(POOL).list().uniqueElements().ofMinSize(1).ofMaxSize(max + 1);
            return Combinators.combine(members, subset, subset, Arbitraries.longs().between(1, 100))
                    .as((m, live, restarted, number) -> new Case(new View(number, m.getFirst(), m.subList(1, m.size())),
                            new TreeSet<>(live), new HashSet<>(restarted), max));
        });
    }

    private static boolean fit(Case c, NodeId n) {
        return c.live().contains(n) && !c.restarted().contains(n);
    }

    @Property
    void theNewPrimaryComesFromTheOldViewAndIsFit(@ForAll("cases") Case c) {
        View next = ViewSuccession.next(c.view(), c.live(), c.restarted(), c.backupsMax());
        if (next == c.view()) return;
        assertThat(next.number()).isEqualTo(c.view().number() + 1);
        assertThat(c.view().members()).contains(next.primary());
        assertThat(fit(c, next.primary())).isTrue();
        assertThat(next.backups()).allMatch(b -> fit(c, b)).hasSizeLessThanOrEqualTo(c.backupsMax());
    }

    @Property
    void aFitPrimaryStaysAndFitBackupsAreKept(@ForAll("cases") Case c) {
        View next = ViewSuccession.next(c.view(), c.live(), c.restarted(), c.backupsMax());
        if (fit(c, c.view().primary())) assertThat(next.primary()).isEqualTo(c.view().primary());
        List<NodeId> fitBackups = new ArrayList<>(c.view().backups().stream().filter(b -> fit(c, b)).toList());
        fitBackups.remove(next.primary());
        List<NodeId> kept = fitBackups.subList(0, Math.min(fitBackups.size(), c.backupsMax()));
        assertThat(next.backups().subList(0, Math.min(kept.size(), next.backups().size()))).isEqualTo(kept);
    }

    @Property
    void aDeadPrimaryWithoutAFitBackupIsStuck(@ForAll("cases") Case c) {
        boolean noFitBackup = c.view().backups().stream().noneMatch(b -> fit(c, b));
        if (fit(c, c.view().primary()) || !noFitBackup) return;
        assertThat(ViewSuccession.next(c.view(), c.live(), c.restarted(), c.backupsMax())).isSameAs(c.view());
    }

    @Property
    void nothingChangesWhenNothingCanImprove(@ForAll("cases") Case c) {
        boolean allFit = c.view().members().stream().allMatch(n -> fit(c, n));
        boolean idleFit = c.live().stream().anyMatch(n -> !c.view().isMember(n) && fit(c, n));
        boolean full = c.view().backups().size() == c.backupsMax();
        if (allFit && (full || !idleFit)) {
            assertThat(ViewSuccession.next(c.view(), c.live(), c.restarted(), c.backupsMax())).isSameAs(c.view());
        }
    }

    @Property
    void withTheSameServersAliveOneChangeIsEnough(@ForAll("cases") Case c) {
        View next = ViewSuccession.next(c.view(), c.live(), Set.of(), c.backupsMax());
        if (!c.live().contains(next.primary())) return; // stuck: nothing to say
        assertThat(ViewSuccession.next(next, c.live(), Set.of(), c.backupsMax())).isSameAs(next);
    }

    @Property
    void aRestartedServerIsNotTakenBackInTheSameChange(@ForAll("cases") Case c, @ForAll @IntRange(min = 0, max = 5) int pick) {
        View next = ViewSuccession.next(c.view(), c.live(), c.restarted(), c.backupsMax());
        if (next == c.view()) return;
        assertThat(next.members()).noneMatch(c.restarted()::contains);
    }
}
