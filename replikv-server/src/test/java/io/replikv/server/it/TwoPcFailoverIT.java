package io.replikv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Goal (issue 2pc, "tried as a new user would"): a real 3-replica 2pc cluster takes writes through
 * every node with a plain Redis client; one replica is killed with SIGKILL and the others go on;
 * it is restarted, catches up by state transfer, and every node returns every acknowledged write.
 */
class TwoPcFailoverIT {
    @Test
    void aKilledReplicaIsDroppedWritesGoOnAndItRejoinsWithEverything() throws Exception {
        try (LocalCluster c = LocalCluster.start("2pc", 3)) {
            List<String> acked = new ArrayList<>();
            for (int k = 0; k < 9; k++) {
                c.appendRetryingRefusals(1 + k % 3, "log", "a" + k + ";");
                acked.add("a" + k + ";");
            }
            c.kill9("n2");
            for (int k = 0; k < 6; k++) {
                c.appendRetryingRefusals(k % 2 == 0 ? 1 : 3, "log", "b" + k + ";");
                acked.add("b" + k + ";");
            }
            String expected = String.join("", acked);
            assertThat(c.read(1, "log")).isEqualTo(expected);
            c.restart("n2");
            LocalCluster.await("n2 is a replica again after rejoining", 60, () -> "replica".equals(c.role(2)));
            for (int i = 1; i <= 3; i++) assertThat(c.read(i, "log")).as("node n%d", i).isEqualTo(expected);
        }
    }
}
