package io.replikv.server.cli;

import io.replikv.server.runtime.ModeRegistry;
import io.replikv.server.runtime.ModeUnavailableException;
import io.replikv.server.runtime.RuntimeLimits;
import io.replikv.server.storage.FsyncMode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code replikv cluster}: a whole local cluster, one OS process per node (this same program,
 * started again with {@code java -cp}), on 127.0.0.1. Node i serves clients on P+i, peers on
 * P+100+i and HTTP on P+200+i; the view service (modes pb and 2pc) has peer port P+100 and HTTP
 * P+200. Prints one line per process, then "ready" once every node answers /readyz; stops every
 * child on Ctrl-C or SIGTERM, and the children stop by themselves if this process dies.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs a local cluster: one process per node on 127.0.0.1, until Ctrl-C.")
public final class ClusterCommand implements Callable<Integer> {
    /** Most nodes a local cluster may have: node ports are P+1..P+99 (P+100 starts the peer range). */
    static final int NODES_MAX = 99;

    /** How long to wait for every node to answer /readyz, in milliseconds. */
    static final long READY_TIMEOUT_MS = 60_000;

    /** Pause between two /readyz polls while waiting, in milliseconds. */
    static final long READY_POLL_MS = 100;

    /** How long a child gets to stop after SIGTERM before it is killed, in milliseconds. */
    static final long CHILD_STOP_TIMEOUT_MS = 10_000;

    @Option(names = "--mode", required = true, description = "Replication mode: single, pb, 2pc, raft.")
    String mode;

    @Option(names = "--nodes", description = "Number of nodes (default: 1 for single, else 3).")
    Integer nodes;

    @Option(names = "--backups", defaultValue = "1", description = "Mode pb: backups per view (default: ${DEFAULT-VALUE}).")
    int backups = 1;

    @Option(names = "--base-port", defaultValue = "7000", description = "Base port P (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--data", defaultValue = "replikv-data", description = "Directory for the nodes' data and logs (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--tick-ms", defaultValue = "" + RuntimeLimits.TICK_MS_DEFAULT,
            description = "Milliseconds per core tick, passed to every node (default: ${DEFAULT-VALUE}).")
    int tickMs;

    @Option(names = "--fsync", defaultValue = "always", description = "always or batch, passed to every node (default: ${DEFAULT-VALUE}).")
    String fsync = "always";

    private final List<Child> children = new ArrayList<>();
    private final PrintStream out = System.out;

    /** One launched process. */
    record Child(String name, Process process, int httpPort) {}

    /** What to launch for one process. */
    record Launch(String name, List<String> serverArgs, String line, int httpPort) {}

    /**
     * The arguments (after the jar's main class) that start member {@code name} of the cluster
     * {@code replikv cluster} starts with these options: so a test or an operator can restart one
     * node of it exactly as it was.
     */
    public static List<String> memberArgs(String mode, int nodes, int basePort, Path data, int tickMs, String name)
            throws ModeUnavailableException {
        ClusterCommand c = new ClusterCommand();
        c.mode = mode;
        c.nodes = nodes;
        c.basePort = basePort;
        c.data = data;
        c.tickMs = tickMs;
        for (Launch l : c.plan()) {
            if (l.name().equals(name)) return l.serverArgs();
        }
        throw new IllegalArgumentException("no member " + name + " in a " + nodes + "-node " + mode + " cluster");
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<Launch> plan;
        try {
            plan = plan();
        } catch (IllegalArgumentException | ModeUnavailableException e) {
            System.err.println("replikv: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        Files.createDirectories(data);
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopChildren, "cluster-shutdown"));
        for (Launch l : plan) {
            Child c = launch(l);
            synchronized (children) {
                children.add(c);
            }
            out.println(l.name() + " pid=" + c.process().pid() + " " + l.line() + " log=" + logFile(l.name()));
        }
        out.flush();
        String notReady = awaitReady();
        if (notReady != null) {
            System.err.println("replikv: " + notReady);
            stopChildren();
            return ExitCodes.FAILURE;
        }
        out.println("ready");
        out.flush();
        return watchChildren();
    }

    List<Launch> plan() throws ModeUnavailableException {
        ModeRegistry.standard().lookup(mode);
        int n = nodes != null ? nodes : mode.equals("single") ? 1 : 3;
        if (mode.equals("single") && n != 1) {
            throw new IllegalArgumentException("mode single runs exactly one node; use --nodes 1 (or leave --nodes out)");
        }
        if (n < 1 || n > NODES_MAX) throw new IllegalArgumentException("--nodes must be 1.." + NODES_MAX);
        if (basePort < 1 || basePort + 200 + n > 65_535) {
            throw new IllegalArgumentException("--base-port must leave room for ports P..P+" + (200 + n) + " below 65536");
        }
        if (tickMs < RuntimeLimits.TICK_MS_MIN || tickMs > RuntimeLimits.TICK_MS_MAX) {
            throw new IllegalArgumentException("--tick-ms must be " + RuntimeLimits.TICK_MS_MIN + ".." + RuntimeLimits.TICK_MS_MAX);
        }
        boolean viewService = mode.equals("pb") || mode.equals("2pc");
        List<Launch> plan = new ArrayList<>();
        if (viewService) {
            List<String> vsArgs = new ArrayList<>(List.of("viewservice", "--mode", mode, "--name", "vs",
                    "--peer", address(basePort + 100), "--http", address(basePort + 200),
                    "--data", data.resolve("vs").toString(), "--tick-ms", Integer.toString(tickMs)));
            if (mode.equals("pb")) vsArgs.addAll(List.of("--backups", Integer.toString(backups)));
            if (mode.equals("2pc")) {
                List<String> names = new ArrayList<>();
                for (int i = 1; i <= n; i++) names.add("n" + i);
                vsArgs.addAll(List.of("--members", String.join(",", names)));
            }
            plan.add(new Launch("vs", vsArgs,
                    "peer=" + address(basePort + 100) + " http=" + address(basePort + 200), basePort + 200));
        }
        for (int i = 1; i <= n; i++) {
            String name = "n" + i;
            List<String> args = new ArrayList<>(List.of("server", "--mode", mode, "--name", name,
                    "--client", address(basePort + i), "--peer", address(basePort + 100 + i),
                    "--http", address(basePort + 200 + i), "--data", data.resolve(name).toString(),
                    "--tick-ms", Integer.toString(tickMs), "--fsync", FsyncMode.parse(fsync).flag()));
            List<String> peers = new ArrayList<>();
            for (int j = 1; j <= n; j++) {
                if (j != i) peers.add("n" + j + "=" + address(basePort + 100 + j) + "/" + address(basePort + j));
            }
            if (!peers.isEmpty()) args.addAll(List.of("--peers", String.join(",", peers)));
            if (viewService) args.addAll(List.of("--viewservice", address(basePort + 100)));
            plan.add(new Launch(name, args, "client=" + address(basePort + i) + " peer=" + address(basePort + 100 + i)
                    + " http=" + address(basePort + 200 + i), basePort + 200 + i));
        }
        return plan;
    }

    private static String address(int port) {
        return "127.0.0.1:" + port;
    }

    private Path logFile(String name) {
        return data.resolve(name + ".log");
    }

    private Child launch(Launch l) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(l.serverArgs());
        command.addAll(List.of("--parent-pid", Long.toString(ProcessHandle.current().pid())));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(l.name()).toFile()));
        // stdin stays a pipe that this process never closes: the child sees end-of-file when we die.
        return new Child(l.name(), pb.start(), l.httpPort());
    }

    /** Null when every child answers /readyz, else why not. */
    private String awaitReady() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        for (Child c : snapshot()) {
            while (!ready(http, c.httpPort())) {
                if (!c.process().isAlive()) {
                    return c.name() + " exited with code " + c.process().exitValue() + " before it was ready; see "
                            + logFile(c.name());
                }
                if (System.nanoTime() > deadline) {
                    return c.name() + " was not ready within " + READY_TIMEOUT_MS + " ms; see " + logFile(c.name());
                }
                Thread.sleep(READY_POLL_MS);
            }
        }
        return null;
    }

    private static boolean ready(HttpClient http, int port) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reports each child's exit; returns when all have exited (the shutdown hook usually comes first). */
    private int watchChildren() throws InterruptedException {
        List<Child> all = snapshot();
        CountDownLatch exited = new CountDownLatch(all.size());
        for (Child c : all) {
            c.process().onExit().thenRun(() -> {
                out.println(c.name() + " exited code=" + c.process().exitValue());
                out.flush();
                exited.countDown();
            });
        }
        exited.await();
        System.err.println("replikv: every node has exited");
        return ExitCodes.FAILURE;
    }

    private List<Child> snapshot() {
        synchronized (children) {
            return List.copyOf(children);
        }
    }

    /** SIGTERM to every child, then wait (bounded) and kill what is left. */
    private void stopChildren() {
        List<Child> all = snapshot();
        for (Child c : all) {
            if (c.process().isAlive()) c.process().toHandle().destroy(); // SIGTERM; keeps its stdin pipe open
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHILD_STOP_TIMEOUT_MS);
        for (Child c : all) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!c.process().waitFor(left, TimeUnit.NANOSECONDS)) c.process().destroyForcibly();
            } catch (InterruptedException e) {
                c.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
