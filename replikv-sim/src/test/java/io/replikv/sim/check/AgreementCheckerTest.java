package io.replikv.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.kv.Request;
import io.replikv.core.util.Bytes;
import io.replikv.sim.check.AgreementChecker.ReplicaState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Goal: the agreement checker compares only replicas at the same applied count, flags any two of
 * them with different states, and its diff names the first differing keys and the other parts of
 * the state (applied count, session table) that differ.
 */
class AgreementCheckerTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");

    private static KvStateMachine applied(Command... commands) {
        KvStateMachine sm = new KvStateMachine();
        long seq = 0;
        for (Command c : commands) sm.apply(new Request(42, ++seq, c));
        return sm;
    }

    private static Command put(String k, String v) {
        return new Command.Put(Bytes.of(k), Bytes.of(v));
    }

    @Test
    void replicasThatAppliedTheSameCommandsAgree() {
        var a = applied(put("x", "1"), put("y", "2"));
        var b = applied(put("x", "1"), put("y", "2"));
        var behind = applied(put("x", "1"));
        var result = AgreementChecker.check(List.of(
                ReplicaState.of(N1, a), ReplicaState.of(N2, b), ReplicaState.of(N3, behind)));
        assertThat(result.agreed()).as(result.report()).isTrue();
    }

    @Test
    void replicasAtTheSameCountWithDifferentStatesDisagree() {
        var a = applied(put("x", "1"), put("y", "2"));
        var b = applied(put("y", "2"), put("x", "1")); // another order of two commuting writes: the same state
        var c = applied(put("x", "1"), put("y", "3"));
        var result = AgreementChecker.check(List.of(
                ReplicaState.of(N1, a), ReplicaState.of(N2, b), ReplicaState.of(N3, c)));
        assertThat(result.agreed()).isFalse();
        assertThat(result.disagreements()).singleElement().satisfies(d -> {
            assertThat(d.appliedCount()).isEqualTo(2);
            assertThat(d.replicasByDigest()).hasSize(2);
            assertThat(d.replicasByDigest().values()).anySatisfy(group -> assertThat(group).containsExactly(N3));
        });
        assertThat(result.report()).contains("REPLICAS DISAGREE").contains("at 2 applied commands");
    }

    @Test
    void replicasAtDifferentCountsAreNotCompared() {
        var result = AgreementChecker.check(List.of(
                new ReplicaState(N1, 5, 0xAAAA), new ReplicaState(N2, 6, 0xBBBB)));
        assertThat(result.agreed()).isTrue();
    }

    @Test
    void diffOfEqualStatesIsEmpty() {
        var diff = AgreementChecker.diff("n1", applied(put("x", "1")), "n2", applied(put("x", "1")));
        assertThat(diff.equal()).isTrue();
        assertThat(diff.differences()).isEmpty();
        assertThat(diff.report()).isEqualTo("states are equal");
    }

    @Test
    void diffNamesTheFirstDifferingKeysInKeyOrder() {
        var a = applied(put("a", "same"), put("b", "1"), put("c", "only-here"), put("e", "x"));
        var b = applied(put("a", "same"), put("b", "2"), put("d", "only-there"), put("e", "x"));
        var diff = AgreementChecker.diff("n1", a, "n2", b);
        assertThat(diff.equal()).isFalse();
        assertThat(diff.keysDiffering()).isEqualTo(3);
        assertThat(diff.differences()).containsExactly(
                "key \"b\": n1 has \"1\", n2 has \"2\"",
                "key \"c\": n1 has \"only-here\", n2 has absent",
                "key \"d\": n1 has absent, n2 has \"only-there\"");
    }

    @Test
    void diffCutsLongListsAndReportsCountAndSessions() {
        var a = applied(put("k1", "a"), put("k2", "a"), put("k3", "a"));
        var b = new KvStateMachine();
        var diff = AgreementChecker.diff("n1", a, "n2", b, 2);
        assertThat(diff.keysDiffering()).isEqualTo(3);
        assertThat(diff.differences()).containsExactly(
                "key \"k1\": n1 has \"a\", n2 has absent",
                "key \"k2\": n1 has \"a\", n2 has absent",
                "... and 1 more keys",
                "applied commands: n1 3, n2 0",
                "session tables differ (n1 1 sessions, n2 0)");
    }
}
