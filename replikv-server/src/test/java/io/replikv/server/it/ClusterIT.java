package io.replikv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Goal: {@code replikv cluster --mode single --nodes 1} starts its node as a separate process,
 * prints the node's line and then "ready" once the node answers /readyz, serves clients, and on
 * SIGTERM stops its child before exiting.
 */
class ClusterIT {


    @Test
    void aSingleNodeClusterGetsReadyServesAndStopsItsChildOnSigterm() throws Exception {
        int base = Ports.freeBasePort(1);
        Path data = Files.createTempDirectory("replikv-cluster-it");
        try (ServerProcess cluster = ServerProcess.launch(List.of("cluster", "--mode", "single", "--nodes", "1",
                "--base-port", Integer.toString(base), "--data", data.toString()))) {
            String line = cluster.awaitLine("n1 pid=");
            Matcher m = Pattern.compile("n1 pid=(\\d+) client=127.0.0.1:(\\d+)").matcher(line);
            assertThat(m.find()).as(line).isTrue();
            long childPid = Long.parseLong(m.group(1));
            assertThat(Integer.parseInt(m.group(2))).isEqualTo(base + 1);
            cluster.awaitLine("ready");

            try (Jedis j = new Jedis("127.0.0.1", base + 1, 30_000)) {
                assertThat(j.set("k", "v")).isEqualTo("OK");
                assertThat(j.get("k")).isEqualTo("v");
            }

            Optional<ProcessHandle> child = ProcessHandle.of(childPid);
            assertThat(child).isPresent();
            cluster.terminate();
            if (child.get().isAlive()) child.get().onExit().get(30, TimeUnit.SECONDS);
            assertThat(child.get().isAlive()).isFalse();
            assertThat(Files.readString(data.resolve("n1.log"))).contains("event=server_stopped");
        }
    }
}
