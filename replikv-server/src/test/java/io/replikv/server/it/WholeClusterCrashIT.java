package io.replikv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Goal (issue durability, part 3), with real processes: a 3-node cluster of mode pb or 2pc takes
 * writes through a plain Redis client on every node; every process — the view service and the
 * three servers — is killed with SIGKILL at once (one {@code kill -9} for all); all are started
 * again on the same data directories, the servers before the view service; and every
 * acknowledged write is read back through every node (docs/pb.md and docs/2pc.md, "whole-cluster
 * crash").
 */
class WholeClusterCrashIT {
    /** Writes per run: enough to cross many fsyncs, few enough for a loaded, shared machine. */
    static final int WRITES = 150;
    /** How long the restarted cluster may take to serve again: recovery waits up to a dead interval or two. */
    static final long RESUME_SECONDS = 60;

    private static String set(LocalCluster c, int node, String key, String value) {
        try (Jedis j = new Jedis("127.0.0.1", c.clientPort(node), 10_000)) {
            return j.set(key, value);
        } catch (JedisException e) {
            return "error: " + e.getMessage();
        }
    }

    private static String get(LocalCluster c, int node, String key) {
        try (Jedis j = new Jedis("127.0.0.1", c.clientPort(node), 10_000)) {
            return j.get(key);
        } catch (JedisException e) {
            return "error: " + e.getMessage();
        }
    }

    /** SIGKILL to every member in one system call, then waits until all are gone. */
    private static void killEveryProcessAtOnce(LocalCluster c, List<String> names) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", "-9"));
        List<ProcessHandle> handles = new ArrayList<>();
        for (String n : names) {
            handles.add(ProcessHandle.of(c.pid(n)).orElseThrow(() -> new AssertionError(n + " is not running")));
            command.add(Long.toString(c.pid(n)));
        }
        assertThat(new ProcessBuilder(command).start().waitFor(10, TimeUnit.SECONDS)).isTrue();
        for (ProcessHandle h : handles) h.onExit().get(30, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(strings = {"pb", "2pc"})
    void everyAcknowledgedWriteSurvivesSigkillOfEveryProcess(String mode) throws Exception {
        try (LocalCluster c = LocalCluster.start(mode, 3)) {
            Map<String, String> acknowledged = new LinkedHashMap<>();
            for (int w = 0; w < WRITES; w++) {
                String key = "crash:" + w;
                String value = mode + "-" + w;
                if ("OK".equals(set(c, 1 + w % 3, key, value))) acknowledged.put(key, value);
            }
            assertThat(acknowledged).hasSizeGreaterThan(WRITES * 9 / 10);

            killEveryProcessAtOnce(c, List.of("vs", "n1", "n2", "n3"));
            for (String n : List.of("n3", "n1", "n2", "vs")) c.restart(n);

            long started = System.nanoTime();
            for (int i = 1; i <= 3; i++) {
                int node = i;
                LocalCluster.await("n" + node + " serves again", RESUME_SECONDS, () -> {
                    String v = get(c, node, "crash:0");
                    return v == null || !v.startsWith("error");
                });
            }
            System.out.printf("mode %s: serving through every node %d ms after the restarts%n", mode,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            for (int i = 1; i <= 3; i++) {
                for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                    assertThat(get(c, i, e.getKey())).as("%s through n%d after the restart", e.getKey(), i)
                            .isEqualTo(e.getValue());
                }
            }
            assertThat(set(c, 2, "after", "crash")).isEqualTo("OK");
            assertThat(get(c, 3, "after")).isEqualTo("crash");
        }
    }
}
