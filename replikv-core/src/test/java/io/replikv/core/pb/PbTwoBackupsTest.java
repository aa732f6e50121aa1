package io.replikv.core.pb;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.client.Outcome;
import org.junit.jupiter.api.Test;

/** With k = 2 backups: every write reaches both, and the first backup takes over with the state. */
class PbTwoBackupsTest {
    @Test
    void bothBackupsHoldEveryWriteAndTheFirstTakesOver() {
        PbHarness t = new PbHarness(2);
        PbServerCore s1 = t.server(PbHarness.S1);
        t.pump.tickUntil(() -> t.viewIs(PbHarness.S1), 200);
        PbServerCore s2 = t.server(PbHarness.S2);
        t.pump.tickUntil(() -> t.viewIs(PbHarness.S1, PbHarness.S2), 200);
        PbServerCore s3 = t.server(PbHarness.S3);
        assertThat(t.pump.tickUntil(() -> t.viewIs(PbHarness.S1, PbHarness.S2, PbHarness.S3)
                && s3.synced() && s1.serving(), 200)).isTrue();
        PbClientCore c = t.client(NodeId.of("c1"));
        for (int i = 0; i < 10; i++) {
            assertThat(t.call(c, PbHarness.append("k", "x" + i), 200)).isInstanceOf(Outcome.Ok.class);
        }
        assertThat(s2.stateMachine().digest()).isEqualTo(s1.stateMachine().digest());
        assertThat(s3.stateMachine().digest()).isEqualTo(s1.stateMachine().digest());
        t.pump.crash(PbHarness.S1);
        assertThat(t.pump.tickUntil(() -> t.viewIs(PbHarness.S2, PbHarness.S3), 200)).isTrue();
        assertThat(PbHarness.value(t.call(c, PbHarness.get("k"), 300))).isEqualTo("x0x1x2x3x4x5x6x7x8x9");
    }
}
