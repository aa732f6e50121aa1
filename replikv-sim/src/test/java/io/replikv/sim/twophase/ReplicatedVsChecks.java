package io.replikv.sim.twophase;

import static io.replikv.sim.twophase.TwoPcHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.kv.Command;
import io.replikv.sim.Cluster;
import io.replikv.sim.Commands;
import io.replikv.sim.check.AgreementChecker;
import io.replikv.sim.check.CheckResult;
import io.replikv.sim.check.LinearizabilityChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** Checks shared by the 2pc tests over a replicated group view service. */
final class ReplicatedVsChecks {
    private ReplicatedVsChecks() {}

    /** Clients append to two keys and read them now and then: the mix the linearizability checker judges. */
    static IntFunction<IntFunction<Command>> appendsAndReads() {
        return ci -> i -> i % 4 == 3 ? Commands.get("k" + (ci % 2)) : appendElement("k" + (ci % 2), ci, i);
    }

    /**
     * After every tick: (1) outside view changes, the replicas that are members of the service's
     * current view and applied the same number of writes hold the same state (AgreementChecker).
     * During a change a member being dropped may legitimately differ: as a coordinator it may have
     * committed and applied a write that no survivor committed, which the settlement aborts (its
     * state is replaced by a transfer before it rejoins); it still counts itself a member until it
     * learns of the next view. So the check skips ticks where a survivor is frozen or the service
     * shows a change under way or settled. (2) Live members of
     * the view service that applied the same Raft index hold identical copies of the group view
     * service (its storage and its status).
     */
    static void checkAfterEachTick(Cluster c) {
        c.afterEachTick("replicas of the current view agree", () -> {
            if (viewChanging(c)) return;
            long view = viewService(c).view().number();
            List<AgreementChecker.ReplicaState> states = new ArrayList<>();
            for (NodeId s : c.servers()) {
                var r = replica(c, s);
                if (c.alive(s) && r.member() && r.view().number() == view) {
                    states.add(AgreementChecker.ReplicaState.of(s, r.stateMachine()));
                }
            }
            AgreementChecker.Agreement a = AgreementChecker.check(states);
            if (!a.agreed()) throw c.fail(a.report());
        });
        c.afterEachTick("copies of the group view service agree",
                () -> io.replikv.sim.pb.ReplicatedPbViewService.checkCopiesAgree(c, vsNodes(c)));
    }

    private static boolean viewChanging(Cluster c) {
        var details = viewService(c).status().details();
        if (details.containsKey("change") || details.containsKey("settledSurvivors")) return true;
        return c.servers().stream().anyMatch(s -> c.alive(s) && replica(c, s).status().details().containsKey("frozenFor"));
    }

    /** The whole history is linearizable; UNKNOWN (budget exhausted) fails too. */
    static void checkLinearizable(Cluster c) {
        CheckResult result = LinearizabilityChecker.check(c.history());
        assertThat(result.verdict()).as("%s%s", result.report(), c.seedHint()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
    }

    /** Ticks (pumping the workload) until {@code done}; fails with the seed after {@code maxTicks}. */
    static void tickUntil(Cluster c, ClosedLoop loop, String what, java.util.function.BooleanSupplier done, long maxTicks) {
        c.tickUntil(what, () -> {
            loop.pump();
            return done.getAsBoolean();
        }, maxTicks);
    }

    /** True once the installed view has exactly {@code members} and each installed it. */
    static boolean viewIs(Cluster c, List<NodeId> members) {
        var v = viewService(c).view();
        if (!v.members().equals(members.stream().sorted().toList())) return false;
        for (NodeId m : members) {
            var r = replica(c, m);
            if (!c.alive(m) || !r.member() || r.view().number() != v.number()) return false;
        }
        return true;
    }
}
