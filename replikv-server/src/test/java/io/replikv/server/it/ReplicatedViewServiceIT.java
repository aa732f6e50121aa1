package io.replikv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Goal (issue raft, part 4): a real pb cluster whose view service is a 3-member Raft group
 * ({@code replikv cluster --mode pb --viewservices 3}). SIGKILL the view service's leader, then the
 * pb primary: the remaining view-service members elect a leader, it promotes the backup, and the
 * new primary serves every acknowledged write. The killed view-service member, restarted from its
 * data directory, rejoins the group.
 */
class ReplicatedViewServiceIT {
    private static final Pattern LEADER = Pattern.compile("\"role\"\\s*:\\s*\"leader\"");
    private static final Pattern KNOWS_LEADER = Pattern.compile("\"raftLeader\"\\s*:\\s*\"vs\\d\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();




    private static String status(int httpPort) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/status"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The view-service member (1-based) that reports itself the Raft leader, or -1. */
    private static int viewServiceLeader(LocalCluster c, List<Integer> candidates) {
        for (int j : candidates) if (LEADER.matcher(status(c.viewServiceHttpPort(j))).find()) return j;
        return -1;
    }

    @Test
    void theViewServiceLeaderAndThenThePrimaryDieAndANewPrimaryServes() throws Exception {
        try (LocalCluster c = LocalCluster.start("pb", 3, 3)) {
            List<String> acked = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                assertThat(c.append(1 + k % 3, "log", "a" + k + ";")).isTrue();
                acked.add("a" + k + ";");
            }
            int vsLeader = viewServiceLeader(c, List.of(1, 2, 3));
            assertThat(vsLeader).as("a view-service leader").isPositive();
            assertThat(status(c.viewServiceHttpPort(vsLeader))).contains("\"term\"").contains("\"acknowledged\"");
            c.kill9("vs" + vsLeader);
            List<Integer> rest = new ArrayList<>(List.of(1, 2, 3));
            rest.remove(Integer.valueOf(vsLeader));
            LocalCluster.await("the remaining members elect a leader", 30, () -> viewServiceLeader(c, rest) > 0);
            assertThat(c.append(1, "log", "b;")).as("pb serves through the view service's failover").isTrue();
            acked.add("b;");

            int primary = -1;
            for (int i = 1; i <= 3; i++) if ("primary".equals(c.role(i))) primary = i;
            assertThat(primary).isPositive();
            c.kill9("n" + primary);
            int other = primary % 3 + 1;
            long killed = System.nanoTime();
            LocalCluster.await("a write succeeds after the primary died", 30, () -> c.append(other, "log", "c;"));
            System.out.println("pb failover under a replicated view service: first write "
                    + (System.nanoTime() - killed) / 1_000_000 + " ms after SIGKILL of the primary");
            acked.add("c;");
            assertThat(c.get(other, "log")).isEqualTo(String.join("", acked));

            c.restart("vs" + vsLeader);
            LocalCluster.await("the restarted member rejoins", 30,
                    () -> KNOWS_LEADER.matcher(status(c.viewServiceHttpPort(vsLeader))).find());
        }
    }
}
