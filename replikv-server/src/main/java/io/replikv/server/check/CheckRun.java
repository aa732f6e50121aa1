package io.replikv.server.check;

import io.replikv.client.ClientOptions;
import io.replikv.client.KvClient;
import io.replikv.client.NotAppliedException;
import io.replikv.core.kv.Command;
import io.replikv.core.util.Bytes;
import io.replikv.server.cli.ClusterFile;
import io.replikv.sim.check.CheckResult;
import io.replikv.sim.check.LinearizabilityChecker;
import io.replikv.sim.history.Operation;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code replikv check} against a live local cluster: heal what an earlier run may have left,
 * wait until ready; run the logical clients and the nemesis for the duration; stop the nemesis and
 * undo every fault; wait (bounded) until every member is ready again and the operations still
 * running have ended; read every key once more; check the history for linearizability.
 */
public final class CheckRun {
    /** How long one attempt of a client waits for its reply before it tries another server, in milliseconds. */
    static final long ATTEMPT_TIMEOUT_MS = 1_000;

    /**
     * How long the client keeps at one operation before it gives up, in milliseconds: longer than a
     * failover (an election, a view change), so most operations end definite, and short enough that
     * a client is never stuck for long behind a dead node.
     */
    static final long OPERATION_TIMEOUT_MS = 5_000;

    /** How long the cluster gets to be ready, before the run and after the final heal, in milliseconds. */
    static final long READY_TIMEOUT_MS = 60_000;

    /** How long the operations still running when the workload ends get to finish, in milliseconds. */
    static final long DRAIN_MS = OPERATION_TIMEOUT_MS + 2_000;

    /** Refused before anything is done: no cluster there, or the cluster is not running. */
    public static final class NoClusterException extends Exception {
        NoClusterException(String message) {
            super(message);
        }
    }

    /** The cluster was not ready before the run, or the clients could not connect. */
    public static final class NotReadyException extends Exception {
        NotReadyException(String message) {
            super(message);
        }
    }

    private final CheckConfig config;
    private final PrintStream progress;
    private final String runId;

    /** @param progress where to say what is going on while it runs (stderr in the command) */
    public CheckRun(CheckConfig config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
        this.runId = Long.toString(System.currentTimeMillis(), 36);
    }

    public CheckReport run() throws NoClusterException, NotReadyException, IOException, InterruptedException {
        ClusterFile file;
        try {
            file = ClusterFile.read(config.data());
        } catch (IOException e) {
            throw new NoClusterException("no cluster at " + config.data() + ": " + e.getMessage()
                    + " (start one with replikv cluster --data " + config.data() + ")");
        }
        ClusterControl cluster = new ClusterControl(config.data(), file);
        if (!cluster.clusterAlive()) {
            throw new NoClusterException("the cluster of " + config.data() + " (replikv cluster, pid " + file.clusterPid()
                    + ") is not running");
        }
        for (String done : cluster.heal()) progress.println("check: before the run: " + done);
        String notReady = cluster.awaitReady(READY_TIMEOUT_MS);
        if (notReady != null) throw new NotReadyException("the cluster is " + notReady);
        return runOn(cluster, file);
    }

    private CheckReport runOn(ClusterControl cluster, ClusterFile file) throws NotReadyException, IOException, InterruptedException {
        List<Bytes> keys = Workload.keys(runId, config.keys());
        List<KvClient> clients = connect(file);
        Recorder recorder = new Recorder(System::nanoTime);
        List<String> nodes = cluster.nodes();
        Nemesis nemesis = new Nemesis(new NemesisPlan(config.faults(),
                NemesisPlan.groups(file.mode(), nodes, cluster.viewServiceMembers()), config.intervalMs(), config.seed()),
                cluster, config.intervalMs(), recorder::now);
        // Ctrl-C in the middle: stop the nemesis first (it would fault nodes again), then heal
        Thread healOnExit = new Thread(() -> healQuietly(nemesis, cluster), "check-heal-on-exit");
        Runtime.getRuntime().addShutdownHook(healOnExit);
        try {
            progress.printf("check: %d clients for %d s, nemesis %s; keys check-%s-0..%d%n", config.clients(),
                    config.durationS(), config.nemesis(), runId, config.keys() - 1);
            long start = recorder.now();
            List<Thread> workers = startWorkers(clients, keys, recorder, start + TimeUnit.SECONDS.toMicros(config.durationS()));
            if (!config.faults().isEmpty()) nemesis.start();
            Thread.sleep(TimeUnit.SECONDS.toMillis(config.durationS()));
            long end = recorder.now();
            nemesis.stopAndHeal();
            for (String done : cluster.heal()) progress.println("check: after the run: " + done);
            String notRecovered = cluster.awaitReady(READY_TIMEOUT_MS);
            long recoveryMs = (recorder.now() - end) / 1_000;
            long drainUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MS);
            for (Thread w : workers) w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(drainUntil - System.nanoTime())));
            if (notRecovered == null) finalReads(clients.getFirst(), keys, recorder);
            List<Operation> history = recorder.close();
            progress.printf("check: %d operations recorded; checking%n", history.size());
            long checkStart = System.nanoTime();
            CheckResult result = LinearizabilityChecker.check(history);
            long checkerMs = (System.nanoTime() - checkStart) / 1_000_000;
            return new CheckReport(config, file.mode(), file.nodes(), runId, history, nemesis.log(), start, notRecovered,
                    recoveryMs, result, checkerMs);
        } finally {
            for (KvClient c : clients) c.close();
            try {
                Runtime.getRuntime().removeShutdownHook(healOnExit);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs
            }
        }
    }

    /** One client per logical client, one session each, seeded with a node of its own (round-robin). */
    private List<KvClient> connect(ClusterFile file) throws NotReadyException {
        List<String> addresses = new ArrayList<>();
        for (ClusterFile.Member m : file.processes()) if (m.server()) addresses.add(m.client());
        List<KvClient> clients = new ArrayList<>();
        for (int i = 0; i < config.clients(); i++) {
            ClientOptions options = ClientOptions.of(addresses.get(i % addresses.size()))
                    .withSessions(1)
                    .withAttemptTimeout(Duration.ofMillis(ATTEMPT_TIMEOUT_MS))
                    .withOperationTimeout(Duration.ofMillis(OPERATION_TIMEOUT_MS));
            // no fixed random seed: it would fix the client ids too, and a second run with the same
            // --seed would then reuse sessions the cluster remembers (its requests refused as stale)
            try {
                clients.add(KvClient.connect(options));
            } catch (NotAppliedException e) {
                for (KvClient c : clients) c.close();
                throw new NotReadyException("client " + i + " could not connect to " + addresses.get(i % addresses.size())
                        + ": " + e.getMessage());
            }
        }
        return clients;
    }

    private List<Thread> startWorkers(List<KvClient> clients, List<Bytes> keys, Recorder recorder, long deadlineMicros) {
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            String name = "c" + (i + 1);
            KvStore store = KvStore.of(clients.get(i));
            Workload workload = new Workload(name, keys, config.seed() * 1_000 + i);
            Thread t = new Thread(() -> {
                while (recorder.now() < deadlineMicros) {
                    if (!recorder.run(name, store, workload.next())) return;
                }
            }, "check-client-" + name);
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
        return workers;
    }

    /**
     * One more Get of every key once the cluster is whole again: a write that was acknowledged and
     * then lost with a node shows up here even if no client happened to read the key after it.
     */
    private static void finalReads(KvClient client, List<Bytes> keys, Recorder recorder) {
        KvStore store = KvStore.of(client);
        for (Bytes key : keys) recorder.run("final", store, new Command.Get(key));
    }

    private void healQuietly(Nemesis nemesis, ClusterControl cluster) {
        try {
            nemesis.stopAndHeal();
            cluster.heal();
        } catch (IOException e) {
            progress.println("check: could not heal the cluster on exit: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
