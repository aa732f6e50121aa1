package io.replikv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Goal (issue raft, "tried as a new user would"): a real 5-node raft cluster; SIGKILL the leader,
 * then two more nodes. Writes go on while a majority lives, stop without one (every failure is a
 * TRYAGAIN/UNKNOWN error, never a wrong answer), and resume when a killed node returns on its
 * data directory; nothing acknowledged is lost.
 */
class RaftFailoverIT {
    /** SET through node i; true if acknowledged, false on an error reply or timeout. */
    private static boolean set(LocalCluster c, int i, String key, String value, int timeoutMs) {
        try (Jedis j = new Jedis("127.0.0.1", c.clientPort(i), timeoutMs)) {
            return "OK".equals(j.set(key, value));
        } catch (JedisException e) {
            return false;
        }
    }


    private static int leader(LocalCluster c, List<Integer> alive) {
        for (int i : alive) {
            try (Jedis j = new Jedis("127.0.0.1", c.clientPort(i), 5_000)) {
                String info = j.info("replication");
                if (info.contains("role:leader")) return i;
            } catch (JedisException e) {
                // not answering: try the next
            }
        }
        return -1;
    }

    @Test
    void writesNeedAMajorityAndNothingAcknowledgedIsLost() throws Exception {
        try (LocalCluster c = LocalCluster.start("raft", 5)) {
            List<Integer> alive = new ArrayList<>(List.of(1, 2, 3, 4, 5));
            List<String> acked = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
                // a SET is idempotent, so retrying a refused or timed-out one (e.g. while the first
                // leader settles) is safe; each must be acknowledged within the bound
                int node = 1 + k % 5;
                String key = "k" + k;
                LocalCluster.await(key + " acknowledged", 30, () -> set(c, node, key, "v", 10_000));
                acked.add(key);
            }

            int[] first = {-1};
            LocalCluster.await("a leader is known", 30, () -> (first[0] = leader(c, alive)) > 0);
            c.kill9("n" + first[0]);
            alive.remove(Integer.valueOf(first[0]));
            int target = alive.getFirst();
            LocalCluster.await("writes go on with 4 of 5", 30, () -> set(c, target, "after1", "x", 5_000));
            acked.add("after1");

            c.kill9("n" + alive.remove(0));
            c.kill9("n" + alive.remove(0));
            int survivor = alive.getFirst();
            assertThat(set(c, survivor, "nomajority", "x", 3_000)).as("a write without a majority").isFalse();

            c.restart("n" + first[0]);
            alive.add(first[0]);
            LocalCluster.await("writes resume with 3 of 5", 60, () -> set(c, survivor, "after2", "y", 5_000));
            acked.add("after2");
            for (String key : acked) {
                for (int i : alive) assertThat(c.get(i, key)).as("%s at n%d", key, i).isNotNull().doesNotStartWith("error");
            }
        }
    }
}
