package io.replikv.core.twophase;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import org.junit.jupiter.api.Test;

/**
 * Goal: a participant's memory of finished transactions recognises every one it saw (in any
 * arrival order), stays bounded, and when full errs towards "seen" (a refused late Prepare is a
 * spurious abort; an accepted one could apply twice); liveness counts a node dead after the
 * configured number of silent ping intervals.
 */
class TxnMemoryAndLivenessTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");

    @Test
    void remembersOutOfOrderSequencesAndCompactsBelowTheMark() {
        TxnMemory m = new TxnMemory(3);
        m.remember(new TxnId(3, A, 2));
        assertThat(m.seen(new TxnId(3, A, 2))).isTrue();
        assertThat(m.seen(new TxnId(3, A, 1))).isFalse();
        assertThat(m.seen(new TxnId(3, B, 2))).isFalse();
        m.remember(new TxnId(3, A, 1));
        assertThat(m.size()).isZero(); // 1 and 2 folded into the low mark
        assertThat(m.seen(new TxnId(3, A, 1))).isTrue();
        assertThat(m.seen(new TxnId(3, A, 3))).isFalse();
    }

    @Test
    void staysBoundedAndTreatsForgottenGapsAsSeen() {
        TxnMemory m = new TxnMemory(1);
        int n = TxnMemory.SEEN_ABOVE_MARK_MAX + 10;
        for (int i = 2; i < n + 2; i++) m.remember(new TxnId(1, A, i)); // seq 1 never arrives
        assertThat(m.size()).isLessThanOrEqualTo(TxnMemory.SEEN_ABOVE_MARK_MAX);
        assertThat(m.seen(new TxnId(1, A, 1))).isTrue();
        assertThat(m.seen(new TxnId(1, A, n + 1))).isTrue();
        assertThat(m.seen(new TxnId(1, A, n + 2))).isFalse();
    }

    @Test
    void deadAfterTheConfiguredSilence() {
        Liveness l = new Liveness(5, 3);
        assertThat(l.alive(A, 0)).isFalse();
        l.heard(A, 10);
        assertThat(l.alive(A, 24)).isTrue();
        assertThat(l.alive(A, 25)).isFalse();
        l.heard(A, 3); // an older report never moves the last-heard time back
        assertThat(l.alive(A, 24)).isTrue();
        l.forget(A);
        assertThat(l.alive(A, 11)).isFalse();
    }
}
