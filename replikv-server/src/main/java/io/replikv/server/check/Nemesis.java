package io.replikv.server.check;

import io.replikv.server.check.NemesisPlan.Fault;
import io.replikv.server.check.NemesisPlan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Carries out a {@link NemesisPlan} on a live cluster: a round every interval, and each fault
 * undone after its duration (SIGCONT after a pause, a start after a kill or a graceful stop). A
 * node counts as faulted from its fault until it answers /readyz again after the undo: a process
 * that was just started is still booting (and, while storage is in memory, catching up), and
 * faulting another node meanwhile would take more nodes away than the mode's limit. Every action
 * runs on one thread, so the faulted set is always what the plan was told; every action, skip and
 * failure goes into the log, stamped with the same clock as the history.
 */
final class Nemesis {
    /**
     * One line of the nemesis log.
     *
     * @param atMicros on the history's clock (microseconds)
     * @param action  kill, pause, restart (a graceful stop), start, resume, ready (up again), skip, error
     * @param target  a member name, or "-" for a skipped round
     * @param pid     the process acted on (the new one for start), or 0
     */
    record Event(long atMicros, String action, String target, long pid, String detail) {
        /** True for the actions that take a node away (what a failover is measured from). */
        boolean fault() {
            return action.equals("kill") || action.equals("pause") || action.equals("restart");
        }
    }

    /** How often a node that was brought back is asked whether it is ready again, in milliseconds. */
    static final long RECOVERY_POLL_MS = 100;

    /**
     * How long a node that was brought back may take to be ready before it counts as up anyway, in
     * milliseconds: a JVM start plus an election or a view change on a busy machine take seconds,
     * and a node that never comes back must not stop the nemesis for the rest of the run.
     */
    static final long RECOVERY_TIMEOUT_MS = 30_000;

    private final NemesisPlan plan;
    private final ClusterControl cluster;
    private final long intervalMs;
    private final LongSupplier clock;
    private final ScheduledThreadPoolExecutor thread;
    /** Faulted nodes and the fault each is under; touched only on the nemesis thread. */
    private final Map<String, Fault> faulted = new TreeMap<>();
    /** Nodes brought back that are not ready yet, and until when they are waited for (history clock); nemesis thread only. */
    private final Map<String, Long> recovering = new TreeMap<>();
    private final List<Event> log = new ArrayList<>();
    private volatile boolean stopping;

    Nemesis(NemesisPlan plan, ClusterControl cluster, long intervalMs, LongSupplier clock) {
        this.plan = plan;
        this.cluster = cluster;
        this.intervalMs = intervalMs;
        this.clock = clock;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "nemesis");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the rounds: the first after one interval, so the workload runs unfaulted for a while first. */
    void start() {
        thread.scheduleWithFixedDelay(this::round, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops the rounds, undoes every fault still in place (on the nemesis thread, after the action
     * in progress), and stops the thread. Bounded by the waits of {@link ClusterControl}.
     */
    synchronized void stopAndHeal() throws InterruptedException {
        if (thread.isShutdown()) return; // done already (the run's end and a Ctrl-C may both ask)
        stopping = true; // a round already running finishes; its fault is undone by the heal below
        Future<?> heal = thread.submit(this::healAll);
        try {
            heal.get(ClusterControl.TERM_WAIT_MS + ClusterControl.KILL_WAIT_MS * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            record("error", "-", 0, "healing after the run failed: " + e + " (the final heal tries again)");
        } finally {
            thread.shutdownNow(); // undos still scheduled have nothing left to undo
        }
    }

    /** The log so far; call after {@link #stopAndHeal}. */
    List<Event> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    private void round() {
        if (stopping) return;
        TreeSet<String> down = new TreeSet<>(faulted.keySet());
        down.addAll(recovering.keySet());
        Optional<Step> step = plan.next(down);
        if (step.isEmpty()) {
            record("skip", "-", 0, down.isEmpty() ? "nothing to do"
                    : String.join(",", down) + " faulted or not ready yet (at most " + plan.limits() + ")");
            return;
        }
        Step s = step.get();
        try {
            long pid = cluster.pid(s.target());
            switch (s.fault()) {
                case KILL -> cluster.kill(s.target());
                case PAUSE -> cluster.pause(s.target());
                case RESTART -> cluster.terminate(s.target());
            }
            faulted.put(s.target(), s.fault());
            record(s.fault().word(), s.target(), pid, "for " + s.durationMs() + " ms");
            thread.schedule(() -> undo(s.target()), s.durationMs(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            record("error", s.target(), 0, s.fault().word() + " failed: " + e);
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        }
    }

    private void undo(String target) {
        Fault fault = faulted.remove(target);
        if (fault == null) return;
        try {
            switch (fault) {
                case PAUSE -> {
                    cluster.resume(target);
                    record("resume", target, cluster.pid(target), "");
                }
                case KILL, RESTART -> {
                    long pid = cluster.start(target);
                    record("start", target, pid, "");
                }
            }
            if (!stopping) {
                recovering.put(target, clock.getAsLong() + RECOVERY_TIMEOUT_MS * 1_000);
                thread.schedule(() -> pollRecovered(target), RECOVERY_POLL_MS, TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            record("error", target, 0, "undoing " + fault.word() + " failed: " + e + " (the final heal tries again)");
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        }
    }

    /** Counts {@code target} as up again once it answers /readyz (or its recovery time is over). */
    private void pollRecovered(String target) {
        Long until = recovering.get(target);
        if (until == null || stopping) return;
        try {
            if (cluster.ready(target)) {
                recovering.remove(target);
                record("ready", target, cluster.pid(target), "");
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (clock.getAsLong() > until) {
            recovering.remove(target);
            record("error", target, cluster.pid(target), "not ready within " + RECOVERY_TIMEOUT_MS + " ms; counted as up again");
            return;
        }
        thread.schedule(() -> pollRecovered(target), RECOVERY_POLL_MS, TimeUnit.MILLISECONDS);
    }

    private void healAll() {
        for (String target : new ArrayList<>(faulted.keySet())) undo(target);
    }

    private void record(String action, String target, long pid, String detail) {
        synchronized (log) { // not the Nemesis monitor: stopAndHeal holds that while the nemesis thread records
            log.add(new Event(clock.getAsLong(), action, target, pid, detail));
        }
    }
}
