package io.replikv.core.twophase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.NodeId;
import io.replikv.core.util.InvariantViolation;
import io.replikv.core.util.Prng;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Goal: the commit order (Skeen's algorithm) makes every participant apply the same committed
 * transactions in the same order, whatever the interleaving of prepares, decisions and aborts
 * reaching each participant; and it refuses misuse (commit below the proposal, unknown txns).
 */
class CommitOrderTest {
    private static TxnId txn(int i) {
        return new TxnId(1, NodeId.of("n" + (i % 3 + 1)), i);
    }

    @Property(tries = 300)
    void everyParticipantAppliesTheSameOrder(@ForAll long seed) {
        Prng prng = new Prng(seed);
        int participants = 3;
        int txns = 2 + prng.nextInt(12);
        List<CommitOrder> orders = new ArrayList<>();
        List<List<TxnId>> applied = new ArrayList<>();
        for (int p = 0; p < participants; p++) {
            orders.add(new CommitOrder());
            applied.add(new ArrayList<>());
        }
        boolean[][] prepared = new boolean[txns][participants];
        boolean[][] told = new boolean[txns][participants];
        long[] proposal = new long[txns];
        int[] decision = new int[txns]; // 0 undecided, 1 commit, 2 abort
        boolean[] willAbort = new boolean[txns];
        for (int t = 0; t < txns; t++) willAbort[t] = prng.chance(0.25);
        List<TxnId> committed = new ArrayList<>();
        while (true) {
            List<int[]> enabled = new ArrayList<>();
            for (int t = 0; t < txns; t++) {
                boolean all = true;
                for (int p = 0; p < participants; p++) {
                    if (!prepared[t][p]) enabled.add(new int[] {0, t, p});
                    all &= prepared[t][p];
                    if (decision[t] != 0 && !told[t][p]) enabled.add(new int[] {2, t, p});
                }
                if (all && decision[t] == 0) enabled.add(new int[] {1, t, 0});
            }
            if (enabled.isEmpty()) break;
            int[] a = prng.pick(enabled);
            int t = a[1], p = a[2];
            switch (a[0]) {
                case 0 -> {
                    prepared[t][p] = true;
                    proposal[t] = Math.max(proposal[t], orders.get(p).propose(txn(t)));
                }
                case 1 -> {
                    decision[t] = willAbort[t] ? 2 : 1;
                    if (!willAbort[t]) committed.add(txn(t));
                }
                default -> {
                    told[t][p] = true;
                    if (decision[t] == 1) orders.get(p).commit(txn(t), proposal[t]);
                    else orders.get(p).abort(txn(t));
                    applied.get(p).addAll(orders.get(p).takeDeliverable());
                }
            }
        }
        for (int p = 0; p < participants; p++) {
            assertThat(applied.get(p)).as("participant %d, seed %d", p, seed).containsExactlyElementsOf(applied.get(0));
            assertThat(orders.get(p).size()).isZero();
        }
        assertThat(applied.get(0)).containsExactlyInAnyOrderElementsOf(committed);
    }

    @Test
    void aCommittedTransactionWaitsForAnEarlierUndecidedOne() {
        CommitOrder o = new CommitOrder();
        long a = o.propose(txn(1));
        long b = o.propose(txn(2));
        o.commit(txn(2), b);
        assertThat(o.takeDeliverable()).isEmpty();
        assertThat(o.undecided()).containsExactly(txn(1));
        o.abort(txn(1));
        assertThat(o.takeDeliverable()).containsExactly(txn(2));
        assertThat(a).isLessThan(b);
    }

    @Test
    void refusesMisuse() {
        CommitOrder o = new CommitOrder();
        o.propose(txn(1));
        o.propose(txn(2));
        assertThatThrownBy(() -> o.commit(txn(2), 1)).isInstanceOf(InvariantViolation.class);
        assertThatThrownBy(() -> o.commit(txn(3), 9)).isInstanceOf(InvariantViolation.class);
        assertThatThrownBy(() -> o.propose(txn(1))).isInstanceOf(InvariantViolation.class);
    }
}
