package io.replikv.server.check;

import io.replikv.server.cli.ChildLauncher;
import io.replikv.server.cli.ClusterFile;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The processes of a live local cluster, as {@code DATA/cluster.json} describes them, and what the
 * nemesis does to them: SIGKILL, SIGTERM, SIGSTOP, SIGCONT, and starting a member again exactly as
 * the cluster started it ({@link ChildLauncher}, the same arguments, the same data directory, the
 * cluster as its parent so it stops with the cluster). Every start is written back to
 * cluster.json, so the cluster, and a later check, know the new pid. Thread-safe.
 */
final class ClusterControl {
    /** How long a process may take to go away after SIGKILL, in milliseconds (the kernel is quick; a reaper may not be). */
    static final long KILL_WAIT_MS = 10_000;

    /** How long a graceful stop (SIGTERM) may take before SIGKILL, in milliseconds: a server drains for at most 5 s. */
    static final long TERM_WAIT_MS = 15_000;

    /** How long a kill(1) for SIGSTOP or SIGCONT may take, in milliseconds. */
    static final long SIGNAL_WAIT_MS = 5_000;

    /** Pause between two /readyz rounds while waiting for the cluster, in milliseconds. */
    static final long READY_POLL_MS = 100;

    private final Path data;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private ClusterFile file;

    ClusterControl(Path data, ClusterFile file) {
        this.data = data;
        this.file = file;
    }

    synchronized ClusterFile file() {
        return file;
    }

    /** The members the nemesis may fault: the nodes (not the view service), in cluster.json order. */
    List<String> nodes() {
        List<String> names = new ArrayList<>();
        for (ClusterFile.Member m : file().processes()) if (m.server()) names.add(m.name());
        return names;
    }

    /** The view service's processes (one, or the members of a replicated one), in cluster.json order. */
    List<String> viewServiceMembers() {
        List<String> names = new ArrayList<>();
        for (ClusterFile.Member m : file().processes()) if (!m.server()) names.add(m.name());
        return names;
    }

    long pid(String name) {
        return member(name).pid();
    }

    private ClusterFile.Member member(String name) {
        return file().member(name).orElseThrow(() -> new IllegalArgumentException("no member " + name));
    }

    boolean alive(String name) {
        return handle(name).map(ProcessHandle::isAlive).orElse(false);
    }

    private Optional<ProcessHandle> handle(String name) {
        return ProcessHandle.of(pid(name));
    }

    /** SIGKILL, and waits (bounded) until the process is gone. */
    void kill(String name) throws InterruptedException {
        Optional<ProcessHandle> h = handle(name);
        if (h.isEmpty()) return;
        h.get().destroyForcibly();
        awaitExit(h.get(), KILL_WAIT_MS);
    }

    /** SIGTERM, and waits (bounded) for the graceful stop; SIGKILL if it takes too long. False if it had to be killed. */
    boolean terminate(String name) throws InterruptedException {
        Optional<ProcessHandle> h = handle(name);
        if (h.isEmpty()) return true;
        h.get().destroy();
        if (awaitExit(h.get(), TERM_WAIT_MS)) return true;
        h.get().destroyForcibly();
        awaitExit(h.get(), KILL_WAIT_MS);
        return false;
    }

    void pause(String name) throws IOException, InterruptedException {
        signal("STOP", pid(name));
    }

    void resume(String name) throws IOException, InterruptedException {
        signal("CONT", pid(name));
    }

    /**
     * Starts member {@code name} again with its arguments from cluster.json and the cluster as its
     * parent, output appended to its log; records the new pid in cluster.json. The new pid.
     */
    long start(String name) throws IOException {
        ClusterFile.Member m = member(name);
        Process p = ChildLauncher.start(m.args(), file().clusterPid(), Path.of(m.log()));
        synchronized (this) {
            file = file.withPid(name, p.pid(), ClusterFile.STARTED_BY_CHECK);
            file.write(data);
        }
        return p.pid();
    }

    /**
     * Undoes whatever a nemesis may have left behind, even one of an earlier check that died
     * midway: SIGCONT to every member (harmless to a running one), then starts every member that
     * is not running. What it did, one line per action.
     */
    List<String> heal() throws IOException, InterruptedException {
        List<String> done = new ArrayList<>();
        for (ClusterFile.Member m : file().processes()) {
            if (alive(m.name())) {
                signal("CONT", m.pid());
            } else {
                done.add("start " + m.name() + " pid " + start(m.name()));
            }
        }
        return done;
    }

    boolean clusterAlive() {
        return ProcessHandle.of(file().clusterPid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /** True when member {@code name} answers /readyz now. */
    boolean ready(String name) throws InterruptedException {
        return ChildLauncher.ready(http, member(name).http());
    }

    /** Null once every member answers /readyz, else (after {@code timeoutMs}) which did not. */
    String awaitReady(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            List<String> notReady = new ArrayList<>();
            for (ClusterFile.Member m : file().processes()) {
                if (!ChildLauncher.ready(http, m.http())) notReady.add(m.name());
            }
            if (notReady.isEmpty()) return null;
            if (System.nanoTime() > deadline) {
                return "not ready within " + timeoutMs + " ms: " + String.join(", ", notReady) + " (see their logs in " + data + ")";
            }
            Thread.sleep(READY_POLL_MS);
        }
    }

    private static boolean awaitExit(ProcessHandle h, long timeoutMs) throws InterruptedException {
        try {
            h.onExit().get(timeoutMs, TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return !h.isAlive();
        }
    }

    /** kill -s SIGNAL pid; a process that is already gone is not an error. */
    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!kill.waitFor(SIGNAL_WAIT_MS, TimeUnit.MILLISECONDS)) kill.destroyForcibly();
    }
}
