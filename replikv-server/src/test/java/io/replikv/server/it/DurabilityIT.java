package io.replikv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Goal: storage on disk, with real processes. A 3-node raft cluster keeps every acknowledged write
 * when every server process is killed with SIGKILL at once and the cluster restarts on the same
 * data directories; `replikv data verify` accepts what the killed nodes left. Mode single keeps
 * nothing (its core writes no persist ops: docs/durability.md). A second server on a data directory
 * in use exits non-zero with a clear error.
 */
class DurabilityIT {
    /** Writes the raft test makes: enough to cross many fsyncs, few enough for a loaded machine. */
    static final int WRITES = 300;

    static final int NODES = 3;

    /** A base port P with P+1..P+3, P+101..P+103 and P+201..P+203 free, probing fixed candidates in order. */
    private static int freeBasePort(int from) {
        for (int p = from; p < 60_000; p += 1_000) {
            boolean all = true;
            for (int i = 1; i <= NODES && all; i++) all = free(p + i) && free(p + 100 + i) && free(p + 200 + i);
            if (all) return p;
        }
        throw new IllegalStateException("no free base port");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return s.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    /** A running `replikv cluster`: the process and its nodes' pids. */
    record Cluster(ServerProcess process, List<Long> nodePids, int basePort) {}

    private static Cluster startRaftCluster(Path data, int basePort) throws Exception {
        ServerProcess p = ServerProcess.launch(List.of("cluster", "--mode", "raft", "--nodes", Integer.toString(NODES),
                "--base-port", Integer.toString(basePort), "--data", data.toString()));
        List<Long> pids = new ArrayList<>();
        for (int i = 1; i <= NODES; i++) {
            String line = p.awaitLine("n" + i + " pid=");
            Matcher m = Pattern.compile("pid=(\\d+)").matcher(line);
            assertThat(m.find()).as(line).isTrue();
            pids.add(Long.parseLong(m.group(1)));
        }
        p.awaitLine("ready");
        return new Cluster(p, pids, basePort);
    }

    /** SIGKILL to every node at once (not to the cluster process first: its nodes would stop gracefully). */
    private static void killEveryNode(Cluster c) throws Exception {
        List<ProcessHandle> nodes = new ArrayList<>();
        for (long pid : c.nodePids()) nodes.add(ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("node " + pid + " is gone")));
        for (ProcessHandle h : nodes) h.destroyForcibly();
        for (ProcessHandle h : nodes) h.onExit().get(60, TimeUnit.SECONDS);
        c.process().process().destroyForcibly();
        c.process().process().waitFor(60, TimeUnit.SECONDS);
    }

    @Test
    void aRaftClusterKeepsEveryAcknowledgedWriteThroughSigkillOfEveryNode() throws Exception {
        Path data = Files.createTempDirectory("replikv-durability-it");
        Map<String, String> acknowledged = new LinkedHashMap<>();
        Cluster first = startRaftCluster(data, freeBasePort(24_000));
        try {
            List<Jedis> clients = new ArrayList<>();
            for (int i = 1; i <= NODES; i++) clients.add(new Jedis("127.0.0.1", first.basePort() + i, 30_000));
            for (int w = 0; w < WRITES; w++) {
                String key = "dur:" + w;
                String value = "value-" + w;
                try {
                    if ("OK".equals(clients.get(w % NODES).set(key, value))) acknowledged.put(key, value);
                } catch (JedisException e) {
                    // not acknowledged: it may or may not have happened, and is not checked
                }
            }
            // the last writes are acknowledged while SIGKILL comes: nothing waits for the followers to settle
            killEveryNode(first);
            for (Jedis j : clients) j.close();
        } finally {
            first.process().close();
        }
        assertThat(acknowledged).hasSizeGreaterThan(WRITES * 9 / 10);

        for (int i = 1; i <= NODES; i++) {
            try (ServerProcess verify = ServerProcess.launch(List.of("data", "verify", data.resolve("n" + i).toString()))) {
                String verdict = verify.awaitLine("ok");
                assertThat(verdict).as("n%d", i).startsWith("ok");
                assertThat(verify.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(verify.process().exitValue()).as("data verify n%d:%n%s", i, verify.output()).isZero();
            }
        }

        // new ports, same names and data directories: members are known by name
        Cluster second = startRaftCluster(data, freeBasePort(first.basePort() + 1_000));
        try {
            for (int i = 1; i <= NODES; i++) {
                try (Jedis j = new Jedis("127.0.0.1", second.basePort() + i, 30_000)) {
                    for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                        assertThat(j.get(e.getKey())).as("%s through n%d after the restart", e.getKey(), i).isEqualTo(e.getValue());
                    }
                }
            }
        } finally {
            second.process().terminate();
        }
    }

    @Test
    void modeSingleKeepsNothingAcrossARestart() throws Exception {
        Path data = Files.createTempDirectory("replikv-durability-single").resolve("n1");
        ServerProcess.Started one = ServerProcess.startSingle(data);
        try (Jedis j = new Jedis("127.0.0.1", one.clientPort(), 30_000)) {
            assertThat(j.set("k", "v")).isEqualTo("OK");
        }
        one.process().process().destroyForcibly();
        one.process().process().waitFor(60, TimeUnit.SECONDS);
        ServerProcess.Started two = ServerProcess.startSingle(data);
        try (Jedis j = new Jedis("127.0.0.1", two.clientPort(), 30_000)) {
            // SingleServerCore writes no persist ops: its state is volatile (docs/durability.md)
            assertThat(j.get("k")).isNull();
        } finally {
            two.process().terminate();
        }
    }

    @Test
    void aSecondServerOnADataDirectoryInUseExitsWithAClearError() throws Exception {
        Path data = Files.createTempDirectory("replikv-durability-lock").resolve("n1");
        ServerProcess.Started one = ServerProcess.startSingle(data);
        try (ServerProcess two = ServerProcess.launch(List.of("server", "--mode", "single", "--name", "n1", "--client",
                "127.0.0.1:0", "--peer", "127.0.0.1:0", "--http", "127.0.0.1:0", "--data", data.toString()))) {
            two.awaitLine("is in use by another replikv process");
            assertThat(two.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(two.process().exitValue()).isEqualTo(1);
            assertThat(two.output()).contains(data.toString()).contains("pid " + one.process().process().pid());
        } finally {
            one.process().terminate();
        }
    }
}
