package io.replikv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Goal (issue 2pc, "tried as a new user would"): a real 3-replica 2pc cluster takes writes through
 * every node with a plain Redis client; one replica is killed with SIGKILL and the others go on;
 * it is restarted, catches up by state transfer, and every node returns every acknowledged write.
 */
class TwoPcFailoverIT {
    /** Appends through node {@code i}, retrying TRYAGAIN refusals (definitely not applied) for a bounded time. */
    private static void append(LocalCluster c, int i, String key, String value) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try (Jedis j = new Jedis("127.0.0.1", c.clientPort(i), 10_000)) {
                j.append(key, value);
                return;
            } catch (JedisException e) {
                String m = String.valueOf(e.getMessage());
                if (!m.startsWith("TRYAGAIN") || System.nanoTime() > deadline) throw e;
                Thread.sleep(50);
            }
        }
    }


    @Test
    void aKilledReplicaIsDroppedWritesGoOnAndItRejoinsWithEverything() throws Exception {
        try (LocalCluster c = LocalCluster.start("2pc", 3)) {
            List<String> acked = new ArrayList<>();
            for (int k = 0; k < 9; k++) {
                append(c, 1 + k % 3, "log", "a" + k + ";");
                acked.add("a" + k + ";");
            }
            c.kill9("n2");
            for (int k = 0; k < 6; k++) {
                append(c, k % 2 == 0 ? 1 : 3, "log", "b" + k + ";");
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
