package io.replikv.core.vsraft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.NodeId;
import io.replikv.core.util.InvariantViolation;
import io.replikv.core.util.MalformedInputException;
import io.replikv.core.viewservice.View;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The replicated view-service state applies commands by the single view service's rules: one view
 * change per acknowledgement, a restart only of a member that had learned a view, and commands that
 * no longer fit the state they meet change nothing. Also the stored forms round-trip.
 */
class VsStateTest {
    private static final NodeId A = NodeId.of("a"), B = NodeId.of("b"), C = NodeId.of("c");

    private static VsState.Outcome apply(VsState s, VsCommand c) {
        // every command goes through its stored form, as it does through the Raft log
        return s.apply(VsCommandCodec.decode(VsCommandCodec.encode(c)));
    }

    @Test
    void firstViewOnlyFromViewZero() {
        VsState s = new VsState();
        assertThat(apply(s, new VsCommand.FirstView(A))).isEqualTo(VsState.Outcome.APPLIED);
        assertThat(s.view()).isEqualTo(View.first(A));
        assertThat(apply(s, new VsCommand.FirstView(B))).isEqualTo(VsState.Outcome.IGNORED);
        assertThat(s.view().primary()).isEqualTo(A);
        assertThat(s.acknowledged()).isFalse();
    }

    @Test
    void aViewChangesOnlyOncePerAcknowledgement() {
        VsState s = new VsState();
        apply(s, new VsCommand.FirstView(A));
        View two = new View(2, A, List.of(B));
        assertThat(apply(s, new VsCommand.NewView(two))).as("not acknowledged yet").isEqualTo(VsState.Outcome.IGNORED);
        assertThat(apply(s, new VsCommand.Acknowledge(1, B))).as("not the primary").isEqualTo(VsState.Outcome.IGNORED);
        assertThat(apply(s, new VsCommand.Acknowledge(1, A))).isEqualTo(VsState.Outcome.APPLIED);
        assertThat(s.hasLearned(A)).as("acknowledging means knowing a view").isTrue();
        assertThat(apply(s, new VsCommand.NewView(two))).isEqualTo(VsState.Outcome.APPLIED);
        assertThat(s.acknowledged()).isFalse();
        View three = new View(3, B, List.of(C));
        assertThat(apply(s, new VsCommand.NewView(three))).as("view 2 not acknowledged").isEqualTo(VsState.Outcome.IGNORED);
        apply(s, new VsCommand.Acknowledge(2, A));
        assertThat(apply(s, new VsCommand.NewView(new View(4, B, List.of())))).as("skips a number")
                .isEqualTo(VsState.Outcome.IGNORED);
        assertThat(apply(s, new VsCommand.NewView(three))).isEqualTo(VsState.Outcome.APPLIED);
        assertThat(s.view()).isEqualTo(three);
        assertThat(s.learned()).as("only members keep their mark").isEmpty();
    }

    @Test
    void aNewViewWhosePrimaryWasNotInTheOldOneIsABug() {
        VsState s = new VsState();
        apply(s, new VsCommand.FirstView(A));
        apply(s, new VsCommand.Acknowledge(1, A));
        assertThatThrownBy(() -> s.apply(new VsCommand.NewView(new View(2, C, List.of()))))
                .isInstanceOf(InvariantViolation.class);
    }

    @Test
    void onlyAMemberThatLearnedAViewCanRestart() {
        VsState s = new VsState();
        apply(s, new VsCommand.FirstView(A));
        apply(s, new VsCommand.Acknowledge(1, A));
        apply(s, new VsCommand.NewView(new View(2, A, List.of(B))));
        assertThat(apply(s, new VsCommand.Restarted(2, B))).as("b never learned a view").isEqualTo(VsState.Outcome.IGNORED);
        assertThat(apply(s, new VsCommand.Learned(2, C))).as("c is no member").isEqualTo(VsState.Outcome.IGNORED);
        assertThat(apply(s, new VsCommand.Learned(1, B))).as("about another view").isEqualTo(VsState.Outcome.IGNORED);
        assertThat(apply(s, new VsCommand.Learned(2, B))).isEqualTo(VsState.Outcome.APPLIED);
        assertThat(apply(s, new VsCommand.Learned(2, B))).isEqualTo(VsState.Outcome.IGNORED);
        assertThat(apply(s, new VsCommand.Restarted(2, B))).isEqualTo(VsState.Outcome.APPLIED);
        assertThat(s.restarted()).containsExactly(B);
        assertThat(s.hasLearned(B)).isFalse();
        assertThat(apply(s, new VsCommand.Restarted(2, B))).as("its repeated 0s are not restarts")
                .isEqualTo(VsState.Outcome.IGNORED);
        apply(s, new VsCommand.Acknowledge(2, A));
        apply(s, new VsCommand.NewView(new View(3, A, List.of())));
        assertThat(s.restarted()).as("dropped from the view, forgotten").isEmpty();
    }

    @Test
    void snapshotsRoundTrip() {
        VsState s = new VsState();
        assertThat(VsCommandCodec.decodeState(VsCommandCodec.encodeState(s)).toString()).isEqualTo(s.toString());
        apply(s, new VsCommand.FirstView(A));
        apply(s, new VsCommand.Acknowledge(1, A));
        apply(s, new VsCommand.NewView(new View(2, A, List.of(B, C))));
        apply(s, new VsCommand.Learned(2, C));
        apply(s, new VsCommand.Learned(2, B));
        apply(s, new VsCommand.Restarted(2, B));
        VsState copy = VsCommandCodec.decodeState(VsCommandCodec.encodeState(s));
        assertThat(copy.view()).isEqualTo(s.view());
        assertThat(copy.acknowledged()).isEqualTo(s.acknowledged());
        assertThat(copy.learned()).containsExactly(A, C);
        assertThat(copy.restarted()).containsExactly(B);
    }

    @Test
    void malformedStoredFormsAreRefused() {
        byte[] good = VsCommandCodec.encode(new VsCommand.Learned(3, A)).toByteArray();
        for (int cut = 0; cut < good.length; cut++) {
            byte[] shorter = java.util.Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> VsCommandCodec.decode(io.replikv.core.util.Bytes.wrap(shorter)))
                    .isInstanceOf(MalformedInputException.class);
        }
        byte[] badTag = good.clone();
        badTag[1] = 99;
        assertThatThrownBy(() -> VsCommandCodec.decode(io.replikv.core.util.Bytes.wrap(badTag)))
                .isInstanceOf(MalformedInputException.class);
        byte[] badFormat = good.clone();
        badFormat[0] = 7;
        assertThatThrownBy(() -> VsCommandCodec.decode(io.replikv.core.util.Bytes.wrap(badFormat)))
                .isInstanceOf(MalformedInputException.class);
    }
}
