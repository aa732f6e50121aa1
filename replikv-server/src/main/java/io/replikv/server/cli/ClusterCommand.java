package io.replikv.server.cli;

import io.replikv.server.runtime.ModeRegistry;
import io.replikv.server.runtime.ModeUnavailableException;
import io.replikv.server.runtime.RuntimeLimits;
import io.replikv.server.storage.FsyncMode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code replikv cluster}: a whole local cluster, one OS process per node (this same program,
 * started again with {@code java -cp}), on 127.0.0.1. Node i serves clients on P+i, peers on
 * P+100+i and HTTP on P+200+i; the view service (modes pb and 2pc) has peer port P+100 and HTTP
 * P+200. With {@code --viewservices N} (modes pb and 2pc) the view service is a Raft group vs1..vsN, member
 * j on peer port P+100-10*(j-1) and HTTP P+200-10*(j-1) (vs1 on P+100, vs2 on P+90, vs3 on P+80,
 * ...), below the nodes' peer and HTTP ports. Prints one line per process, writes
 * {@code DATA/cluster.json} ({@link ClusterFile}), then "ready" once every node answers /readyz;
 * stops every child on Ctrl-C or SIGTERM, and the children stop by themselves if this process
 * dies. A member that someone else restarted (replikv check, which records the new pid in
 * cluster.json) is adopted: reported, and stopped with the rest.
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

    /** Pause between two looks at the members (and at cluster.json for restarts), in milliseconds. */
    static final long WATCH_POLL_MS = 500;

    /**
     * How long no member may be alive before the cluster gives up and exits, in milliseconds. Not
     * zero: replikv check may kill every member of a one-node cluster and restart it a few seconds
     * later, and the cluster must still be there (its members stop with it).
     */
    static final long ALL_DOWN_GRACE_MS = 15_000;

    @Option(names = "--mode", required = true, description = "Replication mode: single, pb, 2pc, raft.")
    String mode;

    @Option(names = "--nodes", description = "Number of nodes (default: 1 for single, else 3).")
    Integer nodes;

    @Option(names = "--backups", defaultValue = "1", description = "Mode pb: backups per view (default: ${DEFAULT-VALUE}).")
    int backups = 1;

    @Option(names = "--viewservices", defaultValue = "1",
            description = "Modes pb and 2pc: view-service members, 1 (a single process) or 3..7 (a Raft group; 3 or 5 is usual) "
                    + "(default: ${DEFAULT-VALUE}).")
    int viewServices = 1;

    /** Most view-service members a local cluster may have: their ports step down by 10 from P+100, to P+40. */
    static final int VIEW_SERVICES_MAX = 7;

    /** How far apart, in ports, the view-service members of a local cluster are. */
    static final int VIEW_SERVICE_PORT_STEP = 10;

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
    /** Members now running as a process someone else started (name to pid), from cluster.json. */
    private final Map<String, Long> adopted = new TreeMap<>();
    private final PrintStream out = System.out;

    /** One launched process. */
    record Child(String name, Process process, int httpPort) {}

    /**
     * What to launch for one process.
     *
     * @param role   "viewservice" or "server"
     * @param client RESP address, null for the view service
     */
    record Launch(String name, String role, List<String> serverArgs, String client, String peer, String http, int httpPort) {
        String line() {
            return (client == null ? "" : "client=" + client + " ") + "peer=" + peer + " http=" + http;
        }
    }

    /**
     * The arguments (after the jar's main class) that start member {@code name} of the cluster
     * {@code replikv cluster} starts with these options: so a test or an operator can restart one
     * node of it exactly as it was.
     */
    public static List<String> memberArgs(String mode, int nodes, int basePort, Path data, int tickMs, String name)
            throws ModeUnavailableException {
        return memberArgs(mode, nodes, 1, basePort, data, tickMs, name);
    }

    /** As above, for a cluster started with {@code --viewservices viewServices}. */
    public static List<String> memberArgs(String mode, int nodes, int viewServices, int basePort, Path data, int tickMs,
                                          String name) throws ModeUnavailableException {
        ClusterCommand c = new ClusterCommand();
        c.viewServices = viewServices;
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
        List<ClusterFile.Member> members = new ArrayList<>();
        for (Launch l : plan) {
            Child c = launch(l);
            synchronized (children) {
                children.add(c);
            }
            out.println(l.name() + " pid=" + c.process().pid() + " " + l.line() + " log=" + logFile(l.name()));
            members.add(new ClusterFile.Member(l.name(), l.role(), c.process().pid(), l.client(), l.peer(), l.http(),
                    l.serverArgs(), logFile(l.name()).toString(), ClusterFile.STARTED_BY_CLUSTER));
        }
        out.flush();
        new ClusterFile(ClusterFile.FORMAT, mode, (int) plan.stream().filter(l -> l.role().equals("server")).count(), basePort, tickMs, dir().toString(),
                ProcessHandle.current().pid(), members).write(data);
        String notReady = awaitReady();
        if (notReady != null) {
            System.err.println("replikv: " + notReady);
            stopChildren();
            return ExitCodes.FAILURE;
        }
        out.println("ready");
        out.flush();
        return watchMembers();
    }

    private boolean viewService() {
        return mode.equals("pb") || mode.equals("2pc");
    }

    /** The data directory as an absolute path: cluster.json and restarts must not depend on the working directory. */
    private Path dir() {
        return data.toAbsolutePath().normalize();
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
        boolean viewService = viewService();
        checkViewServices(viewService, n);
        Path dir = dir();
        List<Launch> plan = new ArrayList<>();
        String viewServiceFlag = address(basePort + 100);
        if (viewService && viewServices > 1) {
            viewServiceFlag = planViewServiceGroup(plan, n);
        } else if (viewService) {
            List<String> vsArgs = new ArrayList<>(List.of("viewservice", "--mode", mode, "--name", "vs",
                    "--peer", address(basePort + 100), "--http", address(basePort + 200),
                    "--data", dir.resolve("vs").toString(), "--tick-ms", Integer.toString(tickMs)));
            if (mode.equals("pb")) vsArgs.addAll(List.of("--backups", Integer.toString(backups)));
            if (mode.equals("2pc")) vsArgs.addAll(List.of("--members", replicaList(n)));
            plan.add(new Launch("vs", "viewservice", vsArgs, null, address(basePort + 100), address(basePort + 200),
                    basePort + 200));
        }
        for (int i = 1; i <= n; i++) {
            String name = "n" + i;
            List<String> args = new ArrayList<>(List.of("server", "--mode", mode, "--name", name,
                    "--client", address(basePort + i), "--peer", address(basePort + 100 + i),
                    "--http", address(basePort + 200 + i), "--data", dir.resolve(name).toString(),
                    "--tick-ms", Integer.toString(tickMs), "--fsync", FsyncMode.parse(fsync).flag()));
            List<String> peers = new ArrayList<>();
            for (int j = 1; j <= n; j++) {
                if (j != i) peers.add("n" + j + "=" + address(basePort + 100 + j) + "/" + address(basePort + j));
            }
            if (!peers.isEmpty()) args.addAll(List.of("--peers", String.join(",", peers)));
            if (viewService) args.addAll(List.of("--viewservice", viewServiceFlag));
            plan.add(new Launch(name, "server", args, address(basePort + i), address(basePort + 100 + i),
                    address(basePort + 200 + i), basePort + 200 + i));
        }
        return plan;
    }

    private void checkViewServices(boolean viewService, int n) {
        if (viewServices == 1) return;
        if (!viewService) {
            throw new IllegalArgumentException("--viewservices is for modes pb and 2pc (mode " + mode + " has no view service)");
        }
        if (viewServices < 3 || viewServices > VIEW_SERVICES_MAX) {
            throw new IllegalArgumentException("--viewservices must be 1 or 3.." + VIEW_SERVICES_MAX);
        }
        int lowest = 100 - VIEW_SERVICE_PORT_STEP * (viewServices - 1);
        if (viewService && n >= lowest) {
            throw new IllegalArgumentException("with --viewservices " + viewServices + " at most " + (lowest - 1)
                    + " nodes fit below the view service's ports");
        }
    }

    /** Plans view-service members vs1..vsN; returns the servers' --viewservice value. */
    private String planViewServiceGroup(List<Launch> plan, int n) {
        List<String> members = new ArrayList<>();
        for (int j = 1; j <= viewServices; j++) {
            members.add("vs" + j + "=" + address(viewServicePeerPort(j)));
        }
        String all = String.join(",", members);
        Path dir = dir();
        for (int j = 1; j <= viewServices; j++) {
            String name = "vs" + j;
            int http = viewServicePeerPort(j) + 100;
            List<String> args = new ArrayList<>(List.of("viewservice", "--mode", mode, "--name", name, "--peers", all,
                    "--http", address(http), "--data", dir.resolve(name).toString(), "--tick-ms", Integer.toString(tickMs)));
            if (mode.equals("pb")) args.addAll(List.of("--backups", Integer.toString(backups)));
            if (mode.equals("2pc")) args.addAll(List.of("--members", replicaList(n)));
            plan.add(new Launch(name, "viewservice", args, null, address(viewServicePeerPort(j)), address(http), http));
        }
        return all;
    }

    /** Mode 2pc: the replicas n1..nN the group view service decides over. */
    private static String replicaList(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= n; i++) names.add("n" + i);
        return String.join(",", names);
    }

    /** Member j (1-based) of a replicated view service: P+100, P+90, P+80, ... */
    private int viewServicePeerPort(int j) {
        return basePort + 100 - VIEW_SERVICE_PORT_STEP * (j - 1);
    }

    private static String address(int port) {
        return "127.0.0.1:" + port;
    }

    private Path logFile(String name) {
        return dir().resolve(name + ".log");
    }

    private Child launch(Launch l) throws IOException {
        Process p = ChildLauncher.start(l.serverArgs(), ProcessHandle.current().pid(), logFile(l.name()));
        return new Child(l.name(), p, l.httpPort());
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
        return ChildLauncher.ready(http, address(port));
    }

    /**
     * Reports each member's exit, and adopts a member that cluster.json says was restarted by
     * someone else (reported as "n2 pid=... restarted by check"). Returns once no member has been
     * alive for {@link #ALL_DOWN_GRACE_MS} (the shutdown hook usually comes first).
     */
    private int watchMembers() throws InterruptedException {
        Map<String, Long> watched = new TreeMap<>();
        for (Child c : snapshot()) {
            watched.put(c.name(), c.process().pid());
            c.process().onExit().thenRun(() -> report(c.name() + " exited code=" + c.process().exitValue()));
        }
        long allDownSince = -1;
        while (true) {
            Thread.sleep(WATCH_POLL_MS);
            adoptRestarted(watched);
            boolean anyAlive = watched.values().stream().anyMatch(ClusterCommand::alive);
            if (anyAlive) {
                allDownSince = -1;
            } else if (allDownSince < 0) {
                allDownSince = System.nanoTime();
            } else if (System.nanoTime() - allDownSince > TimeUnit.MILLISECONDS.toNanos(ALL_DOWN_GRACE_MS)) {
                System.err.println("replikv: every node has exited");
                return ExitCodes.FAILURE;
            }
        }
    }

    /** Picks up members that cluster.json names with a pid we do not watch yet. */
    private void adoptRestarted(Map<String, Long> watched) {
        ClusterFile file;
        try {
            file = ClusterFile.read(data);
        } catch (IOException e) {
            return; // being rewritten by its rename, or removed by hand: look again next time
        }
        for (ClusterFile.Member m : file.processes()) {
            Long old = watched.get(m.name());
            if (old == null || old == m.pid()) continue;
            watched.put(m.name(), m.pid());
            synchronized (adopted) {
                adopted.put(m.name(), m.pid());
            }
            report(m.name() + " pid=" + m.pid() + " restarted by " + m.startedBy());
            ProcessHandle.of(m.pid()).ifPresent(h -> h.onExit().thenRun(() -> report(m.name() + " pid=" + m.pid() + " exited")));
        }
    }

    private void report(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Live members someone else started: those adopted so far, and any cluster.json names that we did not see yet. */
    private List<ProcessHandle> adoptedHandles() {
        TreeSet<Long> pids;
        synchronized (adopted) {
            pids = new TreeSet<>(adopted.values());
        }
        try {
            for (ClusterFile.Member m : ClusterFile.read(data).processes()) {
                if (m.startedBy().equals(ClusterFile.STARTED_BY_CHECK)) pids.add(m.pid());
            }
        } catch (IOException e) {
            // none written yet, or being rewritten: the adopted ones are all we know
        }
        List<ProcessHandle> handles = new ArrayList<>();
        for (long pid : pids) {
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(handles::add);
        }
        return handles;
    }

    private List<Child> snapshot() {
        synchronized (children) {
            return List.copyOf(children);
        }
    }

    /** SIGTERM to every child and adopted member, then wait (bounded) and kill what is left. */
    private void stopChildren() {
        List<Child> all = snapshot();
        for (Child c : all) {
            if (c.process().isAlive()) c.process().toHandle().destroy(); // SIGTERM; keeps its stdin pipe open
        }
        List<ProcessHandle> others = adoptedHandles();
        for (ProcessHandle h : others) h.destroy();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHILD_STOP_TIMEOUT_MS);
        for (ProcessHandle h : others) {
            try {
                h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            }
        }
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
