package io.replikv.sim.twophase;

import static io.replikv.sim.twophase.TwoPcHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeStatus;
import io.replikv.core.client.Outcome;
import io.replikv.sim.Cluster;
import io.replikv.sim.Commands;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Goal: the 2pc happy path on a reliable network — the first view forms with every replica, a
 * write through any replica is applied by all of them before it is acknowledged, reads at any
 * replica see it, and status reports the mode, role, view and members.
 * Each runs with the single group view service and with the replicated one (three members).
 */
class TwoPcBasicTest {
    @ParameterizedTest
    @EnumSource(Vs.class)
    void writesThroughAnyReplicaReachEveryReplica(Vs vs) {
        Cluster c = start(vs, 1, 3, 1);
        c.put(0, "a", "1", 200);
        c.append(0, "a", "2", 200);
        assertThat(c.get(0, "a", 200)).as(c.seedHint()).isEqualTo("12");
        for (var id : c.servers()) {
            assertThat(replica(c, id).stateMachine().data().get(io.replikv.core.util.Bytes.of("a")).utf8()).isEqualTo("12");
        }
        assertAgreement(c);
    }

    @ParameterizedTest
    @EnumSource(Vs.class)
    void statusShowsModeRoleViewAndMembers(Vs vs) {
        Cluster c = start(vs, 2, 3, 1);
        c.put(0, "k", "v", 200);
        NodeStatus s = replica(c, c.server(1)).status();
        assertThat(s.mode()).isEqualTo("2pc");
        assertThat(s.role()).isEqualTo("replica");
        assertThat(s.epoch()).isEqualTo(1);
        assertThat(s.members()).containsExactlyElementsOf(c.servers());
        assertThat(s.details()).containsEntry("inDoubt", "0").containsKey("commits");
        assertThat(s.applied()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Vs.class)
    void puthashAndDeleteAgreeEverywhere(Vs vs) {
        Cluster c = start(vs, 3, 3, 2);
        Outcome o = c.call(0, Commands.putHash("h", "x"), 200);
        assertThat(Commands.valueOf(o)).isEqualTo("");
        o = c.call(1, Commands.putHash("h", "y"), 200);
        assertThat(Commands.valueOf(o)).isNotEmpty();
        c.call(0, Commands.delete("h"), 200);
        assertThat(c.get(1, "h", 200)).isEqualTo("");
        assertAgreement(c);
    }
}
