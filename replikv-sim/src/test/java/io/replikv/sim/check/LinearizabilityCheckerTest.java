package io.replikv.sim.check;

import static io.replikv.sim.check.Histories.MISSING;
import static io.replikv.sim.check.Histories.WRITTEN;
import static io.replikv.sim.check.Histories.append;
import static io.replikv.sim.check.Histories.b;
import static io.replikv.sim.check.Histories.count;
import static io.replikv.sim.check.Histories.delete;
import static io.replikv.sim.check.Histories.get;
import static io.replikv.sim.check.Histories.history;
import static io.replikv.sim.check.Histories.length;
import static io.replikv.sim.check.Histories.put;
import static io.replikv.sim.check.Histories.putHash;
import static io.replikv.sim.check.Histories.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.kv.Command;
import io.replikv.core.kv.Fnv1a;
import io.replikv.core.kv.KvLimits;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.InvariantViolation;
import io.replikv.sim.check.CheckResult.Verdict;
import java.util.Arrays;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Goal: the checker rejects the classic anomalies of a replicated store (each hand-built history
 * is named for the bug it shows) and accepts the histories a correct store can produce, including
 * concurrency, indefinite writes that take effect late or never, and definite failures. Times are
 * ticks; [call, return] intervals that do not overlap are ordered in real time.
 */
class LinearizabilityCheckerTest {

    private static void assertRejectedOn(Histories h, String key) {
        CheckResult result = h.check();
        assertThat(result.verdict()).as(result.report()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.violation()).get().extracting(KeyResult.Violation::key).isEqualTo(b(key));
    }

    private static void assertAccepted(Histories h) {
        CheckResult result = h.check();
        assertThat(result.verdict()).as(result.report()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Nested
    class Rejects {
        @Test
        void staleReadAfterANewerWriteCompleted() {
            assertRejectedOn(history()
                    .ok("c1", 0, 10, put("k", "old"), WRITTEN)
                    .ok("c1", 20, 30, put("k", "new"), WRITTEN)
                    .ok("c2", 40, 50, get("k"), value("old")), "k");
        }

        @Test
        void lostWriteAcknowledgedButLaterReadsSeeTheOlderValue() {
            assertRejectedOn(history()
                    .ok("c1", 0, 10, put("k", "a"), WRITTEN)
                    .ok("c2", 15, 25, get("k"), value("a"))
                    .ok("c2", 30, 40, put("k", "b"), WRITTEN)
                    .ok("c3", 45, 55, get("k"), value("a"))
                    .ok("c1", 60, 70, get("k"), value("a")), "k");
        }

        @Test
        void duplicatedAppendShowsTwiceInTheValue() {
            assertRejectedOn(history()
                    .ok("c1", 0, 10, append("k", "x"), length(1))
                    .ok("c2", 20, 30, get("k"), value("xx")), "k");
        }

        @Test
        void duplicatedAppendEvenWhenAnotherAttemptWasDefinitelyNotApplied() {
            assertRejectedOn(history()
                    .notApplied("c1", 0, 5, append("k", "x"))
                    .ok("c1", 6, 10, append("k", "x"), length(1))
                    .ok("c2", 20, 30, get("k"), value("xx")), "k");
        }

        @Test
        void valueAppearsThenVanishes() {
            assertRejectedOn(history()
                    .ok("c1", 0, 10, put("k", "a"), WRITTEN)
                    .ok("c2", 20, 30, get("k"), value("a"))
                    .ok("c3", 40, 50, get("k"), MISSING), "k");
        }

        @Test
        void readFromTheFutureSeesAValueBeforeItsWriteWasCalled() {
            assertRejectedOn(history()
                    .ok("c2", 0, 10, get("k"), value("a"))
                    .ok("c1", 20, 30, put("k", "a"), WRITTEN), "k");
        }

        @Test
        void garbageReadOfAValueNoWriteCanProduce() {
            CheckResult result = history()
                    .ok("c1", 0, 10, put("k", "a"), WRITTEN)
                    .unknown("c1", 20, 30, append("k", "b"))
                    .ok("c2", 40, 50, get("k"), value("ac"))
                    .check();
            assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
            assertThat(result.violation().orElseThrow().report())
                    .contains("no write on the key can produce")
                    .contains("> #3 c2 [40, 50] Get \"k\" -> ok Value(\"ac\")");
        }

        @Test
        void putHashClaimingAnOldValueNoWriteCanProduce() {
            assertRejectedOn(history()
                    .ok("c1", 0, 10, putHash("k", "x"), value("")) // the absent key: fine
                    .ok("c1", 20, 30, putHash("k", "y"), value("01234")), "k"); // not a canonical number
        }

        @Test
        void readFromTheFutureOfAnIndefiniteWrite() {
            // an Unknown write may take effect any time after its call, but not before it
            assertRejectedOn(history()
                    .ok("c2", 0, 10, get("k"), value("a"))
                    .unknown("c1", 20, 30, put("k", "a")), "k");
        }

        @Test
        void wrongPutHashReturn() {
            assertRejectedOn(history()
                    .ok("c1", 0, 10, put("k", "a"), WRITTEN)
                    .ok("c1", 20, 30, putHash("k", "b"), value("x")), "k");
        }

        @Test
        void wrongPutHashStoredValue() {
            long right = Fnv1a.hash32(b("a"), b("b"));
            assertRejectedOn(history()
                    .ok("c1", 0, 10, put("k", "a"), WRITTEN)
                    .ok("c1", 20, 30, putHash("k", "b"), value("a"))
                    .ok("c2", 40, 50, get("k"), value(Long.toString(right + 1))), "k");
        }

        @Test
        void wrongAppendLength() {
            assertRejectedOn(history()
                    .ok("c1", 0, 10, put("k", "ab"), WRITTEN)
                    .ok("c1", 20, 30, append("k", "c"), length(2)), "k");
        }

        @Test
        void readsSeeTwoConcurrentWritesInBothOrders() {
            // either order alone is fine (see Accepts), but b, a, b needs three writes
            assertRejectedOn(history()
                    .ok("c1", 0, 100, put("k", "a"), WRITTEN)
                    .ok("c2", 0, 100, put("k", "b"), WRITTEN)
                    .ok("c3", 10, 20, get("k"), value("b"))
                    .ok("c3", 30, 40, get("k"), value("a"))
                    .ok("c3", 50, 60, get("k"), value("b")), "k");
        }

        @Test
        void notAppliedWriteWhoseValueIsSeen() {
            assertRejectedOn(history()
                    .ok("c1", 0, 10, put("k", "a"), WRITTEN)
                    .notApplied("c2", 20, 30, put("k", "b"))
                    .ok("c3", 40, 50, get("k"), value("b")), "k");
        }

        @Test
        void deleteOfAnAbsentKeyClaimingItRemovedOne() {
            assertRejectedOn(history()
                    .ok("c1", 0, 10, delete("k"), count(1)), "k");
        }

        @Test
        void emptyAppendMakesAnAbsentKeyPresent() {
            // Append "" to an absent key stores "": a later read cannot see the key missing
            assertRejectedOn(history()
                    .ok("c1", 0, 10, append("k", ""), length(0))
                    .ok("c2", 20, 30, get("k"), MISSING), "k");
        }

        @Test
        void refusedAppendWhenTheValueWasShort() {
            // the model compares Refused results too: a short value is not refused
            assertRejectedOn(history()
                    .ok("c1", 0, 10, put("k", "a"), WRITTEN)
                    .ok("c1", 20, 30, append("k", "b"), new Result.Refused("append would make the value too big")), "k");
        }

        @Test
        void onlyTheBadKeyIsReportedWhenOthersAreFine() {
            CheckResult result = history()
                    .ok("c1", 0, 10, put("good", "1"), WRITTEN)
                    .ok("c1", 0, 10, put("bad", "1"), WRITTEN)
                    .ok("c2", 20, 30, get("good"), value("1"))
                    .ok("c2", 20, 30, get("bad"), MISSING)
                    .check();
            assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
            assertThat(result.keys()).extracting(KeyResult::key).containsExactly(b("bad"), b("good"));
            assertThat(result.keys().get(0)).isInstanceOf(KeyResult.Violation.class);
            assertThat(result.keys().get(1)).isInstanceOf(KeyResult.Linearizable.class);
        }
    }

    @Nested
    class Accepts {
        @Test
        void concurrentWritesWithReadsSeeingOneOrder() {
            assertAccepted(history()
                    .ok("c1", 0, 100, put("k", "a"), WRITTEN)
                    .ok("c2", 0, 100, put("k", "b"), WRITTEN)
                    .ok("c3", 10, 20, get("k"), value("a"))
                    .ok("c3", 30, 40, get("k"), value("b"))
                    .ok("c4", 110, 120, get("k"), value("b")));
        }

        @Test
        void concurrentWritesWithReadsSeeingTheOtherOrder() {
            assertAccepted(history()
                    .ok("c1", 0, 100, put("k", "a"), WRITTEN)
                    .ok("c2", 0, 100, put("k", "b"), WRITTEN)
                    .ok("c3", 10, 20, get("k"), value("b"))
                    .ok("c3", 30, 40, get("k"), value("a"))
                    .ok("c4", 110, 120, get("k"), value("a")));
        }

        @Test
        void readConcurrentWithAWriteSeesEitherValue() {
            assertAccepted(history()
                    .ok("c1", 0, 10, put("k", "a"), WRITTEN)
                    .ok("c1", 20, 60, put("k", "b"), WRITTEN)
                    .ok("c2", 30, 40, get("k"), value("a"))
                    .ok("c3", 30, 40, get("k"), value("a"))
                    .ok("c2", 45, 50, get("k"), value("b")));
        }

        @Test
        void operationsThatMerelyTouchAreConcurrent() {
            // a return and a call in the same tick are not ordered: the permissive reading of ticks
            assertAccepted(history()
                    .ok("c1", 0, 10, put("k", "a"), WRITTEN)
                    .ok("c2", 10, 20, get("k"), MISSING));
        }

        @Test
        void indefiniteWriteTakingEffectLongAfterItsReturn() {
            assertAccepted(history()
                    .ok("c1", 0, 10, put("k", "a"), WRITTEN)
                    .unknown("c2", 20, 30, put("k", "b"))
                    .ok("c3", 40, 50, get("k"), value("a"))
                    .ok("c3", 60, 70, get("k"), value("a"))
                    .ok("c3", 80, 90, get("k"), value("b")));
        }

        @Test
        void indefiniteWriteNeverTakingEffect() {
            assertAccepted(history()
                    .ok("c1", 0, 10, put("k", "a"), WRITTEN)
                    .unknown("c2", 20, 30, put("k", "b"))
                    .neverReturned("c4", 25, append("k", "z"))
                    .ok("c3", 40, 50, get("k"), value("a"))
                    .ok("c3", 60, 70, get("k"), value("a")));
        }

        @Test
        void neverReturnedAppendSeenByLaterReads() {
            assertAccepted(history()
                    .ok("c1", 0, 10, put("k", "a"), WRITTEN)
                    .neverReturned("c2", 20, append("k", "b"))
                    .ok("c3", 30, 40, get("k"), value("a"))
                    .ok("c3", 50, 60, get("k"), value("ab"))
                    .ok("c1", 70, 80, append("k", "c"), length(3)));
        }

        @Test
        void historyOfOnlyIndefiniteOperations() {
            assertAccepted(history()
                    .unknown("c1", 0, 10, put("k", "a"))
                    .neverReturned("c2", 5, delete("k"))
                    .unknown("c3", 5, 7, get("k")));
        }

        @Test
        void notAppliedWriteWhoseValueIsNeverSeen() {
            assertAccepted(history()
                    .ok("c1", 0, 10, put("k", "a"), WRITTEN)
                    .notApplied("c2", 20, 30, put("k", "b"))
                    .ok("c3", 40, 50, get("k"), value("a")));
        }

        @Test
        void indefiniteReadWithAnImpossibleResultIsIgnored() {
            assertAccepted(history()
                    .ok("c1", 0, 10, put("k", "a"), WRITTEN)
                    .unknown("c2", 20, 30, get("k"))
                    .ok("c3", 40, 50, get("k"), value("a")));
        }

        @Test
        void everyCommandWithItsRightResult() {
            long hash = Fnv1a.hash32(b("ab"), b("x"));
            assertAccepted(history()
                    .ok("c1", 0, 10, get("k"), MISSING)
                    .ok("c1", 20, 30, delete("k"), count(0))
                    .ok("c1", 40, 50, append("k", "a"), length(1))
                    .ok("c1", 60, 70, append("k", "b"), length(2))
                    .ok("c1", 80, 90, putHash("k", "x"), value("ab"))
                    .ok("c1", 100, 110, get("k"), value(Long.toString(hash)))
                    .ok("c1", 120, 130, delete("k"), count(1))
                    .ok("c1", 140, 150, putHash("k", "y"), value(""))
                    .ok("c1", 160, 170, get("k"), value(Long.toString(Fnv1a.hash32(Bytes.EMPTY, b("y"))))));
        }

        @Test
        void refusedAppendOverTheValueLimitChangesNothing() {
            byte[] big = new byte[KvLimits.VALUE_BYTES_MAX];
            Arrays.fill(big, (byte) 'x');
            Command fill = new Command.Put(b("k"), Bytes.wrap(big));
            Command grow = append("k", "y");
            KvStateMachine sm = new KvStateMachine();
            sm.apply(Request.untagged(fill));
            Result refusal = sm.apply(Request.untagged(grow));
            assertThat(refusal).isInstanceOf(Result.Refused.class);
            assertAccepted(history()
                    .ok("c1", 0, 10, fill, WRITTEN)
                    .ok("c1", 20, 30, grow, refusal)
                    .ok("c2", 40, 50, append("other", "y"), length(1)));
        }

        @Test
        void sessionRefusalsAreLeftOut() {
            // a refusal by the session table changed nothing and does not depend on the key's value
            assertAccepted(history()
                    .ok("c1", 0, 10, put("k", "a"), WRITTEN)
                    .ok("c2", 20, 30, put("k", "b"), new Result.Refused(KvStateMachine.SESSION_EXPIRED))
                    .ok("c2", 20, 30, put("k", "c"), new Result.Refused(staleRequestRefusal()))
                    .ok("c3", 40, 50, get("k"), value("a")));
        }
    }

    /** The state machine's own wording of a stale-request refusal, so the checker's prefix test stays true. */
    private static String staleRequestRefusal() {
        KvStateMachine sm = new KvStateMachine();
        sm.apply(new Request(7, 1, put("k", "x")));
        sm.apply(new Request(7, 2, put("k", "y")));
        Result r = sm.apply(new Request(7, 1, put("k", "z")));
        assertThat(r).isInstanceOf(Result.Refused.class);
        String reason = ((Result.Refused) r).reason();
        assertThat(reason).startsWith(LinearizabilityChecker.STALE_REQUEST_PREFIX);
        return reason;
    }

    @Nested
    class Reports {
        @Test
        void violationReportShowsPrefixStuckOperationAndHistory() {
            CheckResult result = history()
                    .ok("c1", 0, 10, put("k", "old"), WRITTEN)
                    .ok("c1", 20, 30, put("k", "new"), WRITTEN)
                    .notApplied("c3", 25, 35, put("k", "other"))
                    .ok("c2", 40, 50, get("k"), value("old"))
                    .check();
            KeyResult.Violation v = result.violation().orElseThrow();
            assertThat(v.longestPrefix()).containsExactly(1L, 2L);
            assertThat(v.history()).containsExactly(
                    "#1 c1 [0, 10] Put \"k\" \"old\" -> ok Written",
                    "#2 c1 [20, 30] Put \"k\" \"new\" -> ok Written",
                    "#3 c3 [25, 35] Put \"k\" \"other\" -> not applied (TIMEOUT: no answer)"
                            + "   [left out: not applied, so it never took effect]",
                    "#4 c2 [40, 50] Get \"k\" -> ok Value(\"old\")");
            assertThat(v.report())
                    .contains("NOT LINEARIZABLE on key \"k\"")
                    .contains("2 of 3 definite operations placed")
                    .contains("#2 c1 [20, 30] Put \"k\" \"new\" -> ok Written  => \"new\"")
                    .contains("After that prefix the key is \"new\"")
                    .contains("cannot go here: on \"new\" it would return Value(\"new\")")
                    .contains("> #4 c2 [40, 50] Get \"k\" -> ok Value(\"old\")");
            assertThat(result.report()).startsWith("NOT_LINEARIZABLE: 1 keys (0 linearizable, 1 not linearizable, 0 unknown)");
        }

        @Test
        void linearizableResultCarriesAWitnessOrder() {
            CheckResult result = history()
                    .ok("c1", 0, 100, put("k", "a"), WRITTEN)
                    .ok("c2", 0, 100, put("k", "b"), WRITTEN)
                    .ok("c3", 10, 20, get("k"), value("b"))
                    .ok("c3", 30, 40, get("k"), value("a"))
                    .check();
            assertThat(result.keys()).singleElement().isInstanceOfSatisfying(KeyResult.Linearizable.class,
                    l -> assertThat(l.linearization()).containsExactly(2L, 3L, 1L, 4L));
        }

        @Test
        void runningOutOfBudgetIsUnknownNeverAVerdict() {
            var history = GeneratedHistories.linearizable(5, new GeneratedHistories.Shape(300, 1, 6, 40, 0.05, 0.05));
            CheckResult result = LinearizabilityChecker.check(history, new Budget(20, 1_000, Budget.CACHE_BYTES_PER_KEY_MAX));
            assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
            assertThat(result.keys()).singleElement().isInstanceOfSatisfying(KeyResult.Unknown.class,
                    u -> assertThat(u.reason()).contains("more than 20 states").contains("Budget.statesPerKeyMax"));
            assertThat(result.report()).contains("UNKNOWN on key \"k0\"");
        }

        @Test
        void keysLeftWhenTheTotalBudgetIsSpentAreNotSearched() {
            var history = GeneratedHistories.linearizable(6, new GeneratedHistories.Shape(300, 2, 6, 40, 0.0, 0.0));
            CheckResult result = LinearizabilityChecker.check(history, new Budget(1_000, 50, Budget.CACHE_BYTES_PER_KEY_MAX));
            assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
            assertThat(result.keys()).hasSize(2);
            assertThat(((KeyResult.Unknown) result.keys().get(0)).reason()).contains("what was left of Budget.statesTotalMax");
            assertThat(((KeyResult.Unknown) result.keys().get(1)).reason()).startsWith("not searched");
        }

        @Test
        void aViolationOutweighsAnUnknownKey() {
            var hard = GeneratedHistories.linearizable(5, new GeneratedHistories.Shape(300, 1, 6, 40, 0.05, 0.05));
            var bad = history().ok("c1", 0, 10, put("z", "a"), WRITTEN).ok("c1", 20, 30, get("z"), MISSING).ops();
            var both = new java.util.ArrayList<>(hard);
            for (var op : bad) both.add(new io.replikv.sim.history.Operation(op.id() + 10_000, op.client(), op.command(),
                    op.callTime(), op.returnTime(), op.outcome()));
            CheckResult result = LinearizabilityChecker.check(both, new Budget(20, 1_000, Budget.CACHE_BYTES_PER_KEY_MAX));
            assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
            assertThat(result.violation().orElseThrow().key()).isEqualTo(b("z"));
        }

        @Test
        void duplicateOperationIdsAreABrokenRecorder() {
            var op = history().ok("c1", 0, 10, put("k", "a"), WRITTEN).ops().getFirst();
            assertThatThrownBy(() -> LinearizabilityChecker.check(java.util.List.of(op, op)))
                    .isInstanceOf(InvariantViolation.class).hasMessageContaining("appears twice");
        }
    }
}
