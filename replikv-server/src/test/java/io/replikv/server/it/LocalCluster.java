package io.replikv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.server.cli.ClusterCommand;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real local cluster for integration tests: {@code replikv cluster} as a process, its members'
 * pids and ports, SIGKILL of any member, and a restart of a member with exactly the arguments the
 * cluster gave it (same ports, same data directory).
 */
final class LocalCluster implements AutoCloseable {
    static final int TICK_MS = 10;

    final String mode;
    final int nodes;
    /** View-service members: 1 (a single view service, or none for modes single and raft) or a Raft group. */
    int viewServices = 1;
    final int basePort;
    final Path data;
    private final ServerProcess cluster;
    private final Map<String, Long> pids = new TreeMap<>();
    private final List<ServerProcess> restarted = new ArrayList<>();

    private LocalCluster(String mode, int nodes, int basePort, Path data, ServerProcess cluster) {
        this.mode = mode;
        this.nodes = nodes;
        this.basePort = basePort;
        this.data = data;
        this.cluster = cluster;
    }

    static LocalCluster start(String mode, int nodes) throws Exception {
        return start(mode, nodes, 1, Map.of());
    }

    /** A cluster whose view service has {@code viewServices} members ({@code replikv cluster --viewservices}). */
    static LocalCluster start(String mode, int nodes, int viewServices) throws Exception {
        return start(mode, nodes, viewServices, Map.of());
    }

    /** A cluster whose processes get these environment variables too (e.g. a test-only fault). */
    static LocalCluster start(String mode, int nodes, Map<String, String> environment) throws Exception {
        return start(mode, nodes, 1, environment);
    }

    static LocalCluster start(String mode, int nodes, int viewServices, Map<String, String> environment) throws Exception {
        int base = Ports.freeBasePort(nodes, viewServices);
        Path data = Files.createTempDirectory("replikv-" + mode + "-it");
        List<String> args = new ArrayList<>(List.of("cluster", "--mode", mode, "--nodes", Integer.toString(nodes),
                "--base-port", Integer.toString(base), "--data", data.toString(), "--tick-ms", Integer.toString(TICK_MS)));
        if (viewServices != 1) args.addAll(List.of("--viewservices", Integer.toString(viewServices)));
        ServerProcess p = ServerProcess.launch(args, environment);
        LocalCluster c = new LocalCluster(mode, nodes, base, data, p);
        c.viewServices = viewServices;
        Pattern line = Pattern.compile("^(\\S+) pid=(\\d+) ");
        boolean viewService = mode.equals("pb") || mode.equals("2pc");
        for (int i = 0; i < nodes + (viewService ? viewServices : 0); i++) {
            Matcher m = line.matcher(p.awaitLine(" pid="));
            assertThat(m.find()).isTrue();
            c.pids.put(m.group(1), Long.parseLong(m.group(2)));
        }
        p.awaitLine("ready");
        return c;
    }



    /** The HTTP port of view-service member {@code vs<j>} of a replicated view service (1-based). */
    int viewServiceHttpPort(int j) {
        return basePort + 200 - 10 * (j - 1);
    }

    int clientPort(int i) {
        return basePort + i;
    }

    String clientAddress(int i) {
        return "127.0.0.1:" + clientPort(i);
    }

    /** Node i's /v1/status JSON, or "" when it does not answer. */
    String status(int i) {
        return statusAt(basePort + 200 + i);
    }

    /** View-service member {@code vs<j>}'s /v1/status JSON, or "" when it does not answer. */
    String viewServiceStatus(int j) {
        return statusAt(viewServiceHttpPort(j));
    }

    /** The view-service member (1-based, among {@code candidates}) that reports itself the Raft leader, or -1. */
    int viewServiceLeader(List<Integer> candidates) {
        for (int j : candidates) {
            if (viewServiceStatus(j).matches("(?s).*\"role\"\\s*:\\s*\"leader\".*")) return j;
        }
        return -1;
    }

    private static String statusAt(int httpPort) {
        try {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + httpPort + "/v1/status"))
                            .timeout(java.time.Duration.ofSeconds(5)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** APPEND through node i; true if acknowledged, false on an error reply or a connection failure. */
    boolean append(int i, String key, String value) {
        try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", clientPort(i), 5_000)) {
            j.append(key, value);
            return true;
        } catch (redis.clients.jedis.exceptions.JedisException e) {
            return false;
        }
    }

    /**
     * APPEND through node {@code i}, retrying only definite refusals (TRYAGAIN: not applied — a view
     * change in progress, a replica without the view yet, a key busy with a conflicting write) for
     * at most 30 s; any other error is thrown, since a plain APPEND that may have been applied must
     * not be sent again.
     */
    void appendRetryingRefusals(int i, String key, String value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", clientPort(i), 10_000)) {
                j.append(key, value);
                return;
            } catch (redis.clients.jedis.exceptions.JedisException e) {
                if (!String.valueOf(e.getMessage()).startsWith("TRYAGAIN") || System.nanoTime() > deadline) throw e;
                Thread.sleep(50);
            }
        }
    }

    /** GET through node i; "error: ..." when it fails, so a comparison with the expected value fails too. */
    String get(int i, String key) {
        try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", clientPort(i), 10_000)) {
            return j.get(key);
        } catch (redis.clients.jedis.exceptions.JedisException e) {
            return "error: " + e.getMessage();
        }
    }

    /**
     * GET through node {@code i}, retrying only definite refusals (TRYAGAIN: for example a 2pc
     * replica just taken back holds no read lease until its next ping is answered) for at most 30 s.
     * The first real answer is returned, so a stale value still fails a comparison.
     */
    String read(int i, String key) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String answer = get(i, key);
        while (answer != null && answer.startsWith("error: TRYAGAIN") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            answer = get(i, key);
        }
        return answer;
    }

    /** Node i's role from INFO replication, or "down". */
    String role(int i) {
        try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", clientPort(i), 5_000)) {
            for (String line : j.info("replication").split("\r?\n")) {
                if (line.startsWith("role:")) return line.substring(5).trim();
            }
        } catch (redis.clients.jedis.exceptions.JedisException e) {
            return "down";
        }
        return "unknown";
    }

    long pid(String name) {
        return pids.get(name);
    }

    /** SIGKILL: no shutdown hook, no flush; waits until the process is gone. */
    void kill9(String name) throws Exception {
        ProcessHandle h = ProcessHandle.of(pid(name)).orElseThrow();
        new ProcessBuilder("kill", "-9", Long.toString(h.pid())).start().waitFor(10, TimeUnit.SECONDS);
        h.onExit().get(30, TimeUnit.SECONDS);
    }

    /** Starts member {@code name} again with the arguments the cluster gave it; returns when it logs its addresses. */
    void restart(String name) throws Exception {
        List<String> args = ClusterCommand.memberArgs(mode, nodes, viewServices, basePort, data, TICK_MS, name);
        ServerProcess p = ServerProcess.launch(args);
        restarted.add(p);
        p.awaitLine("event=listening");
        pids.put(name, p.process().pid());
    }

    /** Polls {@code condition} until true or the deadline; for things a test can observe but not wait on. */
    static void await(String what, long seconds, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + seconds + " s: " + what);
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws Exception {
        for (ServerProcess p : restarted) p.close();
        cluster.terminate();
        for (long pid : pids.values()) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }
}
