package io.replikv.sim.swarm;

import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.util.Prng;
import io.replikv.sim.Cluster;
import io.replikv.sim.Commands;
import io.replikv.sim.SimulationFailure;
import io.replikv.sim.check.AgreementChecker;
import io.replikv.sim.check.CheckResult;
import io.replikv.sim.check.LinearizabilityChecker;
import io.replikv.sim.history.Operation;
import io.replikv.sim.swarm.SeedResult.Check;
import io.replikv.sim.swarm.SeedResult.Failure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * One seed of the swarm: a whole cluster of one mode with a random workload under the fault mix
 * drawn from the seed ({@link SwarmOptions}). Phase 1 runs the faults for
 * {@link SwarmSettings#faultTicks()} ticks, checking the mode's safety and replica agreement after
 * every tick. Phase 2 lifts every fault and requires progress within tick budgets: every operation
 * in flight completes, then every client writes and reads once more, then the replicas converge to
 * equal states. Last, the whole history must be linearizable. Everything comes from the seed: the
 * same seed replays the same run, trace line for trace line.
 */
public final class Swarm {
    /** Ticks the operations in flight get to complete once the faults stop: many elections and view changes. */
    public static final long DRAIN_TICKS_MAX = 3_000;
    /** Ticks each client's fresh write, and then its read, gets once the cluster has drained. */
    public static final long FRESH_OP_TICKS_MAX = 2_000;
    /** Ticks the replicas get to converge to equal states after the last operation. */
    public static final long CONVERGE_TICKS_MAX = 2_000;

    private final SimMode mode;
    private final long seed;
    private final SwarmSettings settings;
    private final SwarmOptions options;
    private final ModeCluster modeCluster;
    private final Cluster cluster;
    private final Faults faults;
    private final Workload workload;
    private final DigestCache digests = new DigestCache();
    private String livenessWaived;

    /** Ends the phases without a failure: the mode's design cannot make progress (see {@link ModeCluster#stuckByDesign()}). */
    private static final Failure WAIVED = new Failure(Check.LIVENESS, "waived", "");

    private Swarm(SimMode mode, long seed, SwarmSettings settings) {
        this.mode = mode;
        this.seed = seed;
        this.settings = settings;
        this.options = SwarmOptions.draw(mode, seed, settings.nodes());
        this.modeCluster = mode.build(new ModeSetup(seed, options.nodes(), options.clients(), options.client(),
                options.link(), options.disk(), options.roundTripTicksMax(), settings.traceLinesMax(), Prng.derive(seed, "swarm/mode"),
                options.crashEveryRole()));
        this.cluster = modeCluster.cluster();
        this.faults = new Faults(modeCluster, options, settings.faultTicks(), Prng.derive(seed, "swarm/faults"),
                Prng.derive(seed, "swarm/faults/disk-and-whole"));
        this.workload = new Workload(cluster, options, Prng.derive(seed, "swarm/workload"));
    }

    /** Runs one seed to its verdict. */
    public static SeedResult run(SimMode mode, long seed, SwarmSettings settings) {
        return new Swarm(mode, seed, settings).run();
    }

    private SeedResult run() {
        Failure failure;
        try {
            failure = firstFailure(this::faultPhase, this::drain, this::freshOperations, this::converge);
            if (failure == WAIVED) failure = null;
        } catch (SimulationFailure f) {
            failure = new Failure(Check.NODE_FAILED, firstLine(f.getMessage()), f.getMessage());
        }
        List<Operation> history = cluster.history();
        CheckResult.Verdict verdict = null;
        if (failure == null) {
            CheckResult result = LinearizabilityChecker.check(history);
            verdict = result.verdict();
            if (verdict == CheckResult.Verdict.NOT_LINEARIZABLE) {
                String report = result.report();
                failure = new Failure(Check.LINEARIZABILITY, firstViolationLine(report), report);
            }
        }
        long indefinite = history.stream().filter(Operation::indefinite).count();
        return new SeedResult(mode.name(), seed, options, failure, cluster.now(), history, indefinite, verdict,
                faults.counts(), livenessWaived, cluster.simulator().trace());
    }

    @SafeVarargs
    private static Failure firstFailure(Supplier<Failure>... phases) {
        for (Supplier<Failure> phase : phases) {
            Failure f = phase.get();
            if (f != null) return f;
        }
        return null;
    }

    // ---------------------------------------------------------------- phases

    private Failure faultPhase() {
        for (long t = 0; t < settings.faultTicks(); t++) {
            faults.step(cluster.now());
            workload.step(cluster.now(), true);
            Failure f = tickAndCheck();
            if (f != null) return f;
        }
        faults.stopAll();
        return null;
    }

    private Failure drain() {
        return tickUntil("every operation in flight completes after the faults stopped", DRAIN_TICKS_MAX, () -> {
            workload.step(cluster.now(), false);
            return workload.allIdle();
        });
    }

    /** Every client writes a fresh value and then reads a key: both must succeed. */
    private Failure freshOperations() {
        int clients = cluster.clients().size();
        for (int i = 0; i < clients; i++) {
            workload.invoke(i, Commands.put(Workload.key(i % options.keys()), "fresh-c" + (i + 1)));
        }
        Failure f = awaitFresh("every client's fresh write completes");
        if (f != null) return f;
        for (int i = 0; i < clients; i++) workload.invoke(i, Commands.get(Workload.key(i % options.keys())));
        return awaitFresh("every client's fresh read completes");
    }

    private Failure awaitFresh(String what) {
        Failure f = tickUntil(what, FRESH_OP_TICKS_MAX, workload::allIdle);
        if (f != null) return f;
        for (int i = 0; i < cluster.clients().size(); i++) {
            Outcome o = cluster.outcome(workload.latest(i));
            if (!(o instanceof Outcome.Ok)) {
                livenessWaived = modeCluster.stuckByDesign();
                if (livenessWaived != null) return WAIVED;
                return new Failure(Check.LIVENESS, what + ": " + cluster.client(i) + " ended " + o, diagnosis());
            }
        }
        return null;
    }

    private Failure converge() {
        Failure f = tickUntil("the replicas converge", CONVERGE_TICKS_MAX, () -> modeCluster.notConverged() == null);
        if (f != null) return f;
        SortedMap<NodeId, KvStateMachine> all = modeCluster.allReplicas();
        Failure disagreement = agreement(all, true);
        if (disagreement != null) return disagreement;
        String problem = modeCluster.checkConverged();
        return problem == null ? null : new Failure(Check.SAFETY, problem, diagnosis());
    }

    // ---------------------------------------------------------------- ticking and checking

    private Failure tickUntil(String what, long budgetTicks, Supplier<Boolean> condition) {
        for (long used = 0; ; used++) {
            if (condition.get()) return null;
            if (used >= budgetTicks) {
                livenessWaived = modeCluster.stuckByDesign();
                if (livenessWaived != null) return WAIVED;
                String waitingFor = what.equals("the replicas converge") ? ": " + modeCluster.notConverged() : "";
                return new Failure(Check.LIVENESS, "not within " + budgetTicks + " ticks: " + what + waitingFor, diagnosis());
            }
            Failure f = tickAndCheck();
            if (f != null) return f;
        }
    }

    private Failure tickAndCheck() {
        cluster.tick();
        String problem = modeCluster.checkSafety();
        if (problem != null) return new Failure(Check.SAFETY, "tick " + cluster.now() + ": " + problem, diagnosis());
        return agreement(modeCluster.replicasThatMustAgree(), false);
    }

    /** Replicas at equal applied counts must hold equal states; with {@code strict}, all must be at the same count. */
    private Failure agreement(SortedMap<NodeId, KvStateMachine> replicas, boolean strict) {
        List<AgreementChecker.ReplicaState> states = new ArrayList<>();
        for (Map.Entry<NodeId, KvStateMachine> e : replicas.entrySet()) states.add(digests.state(e.getKey(), e.getValue()));
        AgreementChecker.Agreement a = AgreementChecker.check(states);
        boolean sameCounts = states.stream().map(AgreementChecker.ReplicaState::appliedCount).distinct().count() <= 1;
        if (a.agreed() && (!strict || sameCounts)) return null;
        String reason = !a.agreed() ? a.disagreements().get(0).toString()
                : "after converging, the replicas applied different numbers of writes: " + counts(states);
        return new Failure(Check.AGREEMENT, "tick " + cluster.now() + ": " + reason, diff(replicas) + diagnosis());
    }

    private static String counts(List<AgreementChecker.ReplicaState> states) {
        TreeMap<String, Long> out = new TreeMap<>();
        for (AgreementChecker.ReplicaState s : states) out.put(s.replica().toString(), s.appliedCount());
        return out.toString();
    }

    /** The diff of the first replica against every other one at the same count (or all of them, if none is). */
    private static String diff(SortedMap<NodeId, KvStateMachine> replicas) {
        StringBuilder out = new StringBuilder();
        List<Map.Entry<NodeId, KvStateMachine>> list = new ArrayList<>(replicas.entrySet());
        for (int i = 1; i < list.size(); i++) {
            var a = list.get(0);
            var b = list.get(i);
            out.append(AgreementChecker.diff(a.getKey().toString(), a.getValue(), b.getKey().toString(), b.getValue()).report());
        }
        return out.toString();
    }

    /** Every node's state and what every busy client waits for: the details of a failure. */
    private String diagnosis() {
        StringBuilder out = new StringBuilder("options: ").append(options.describe()).append('\n');
        out.append("faults: ").append(faults.counts()).append(", flapping node ").append(faults.flappingNode()).append('\n');
        out.append("network: ").append(cluster.network().describe()).append('\n');
        List<NodeId> nodes = new ArrayList<>(cluster.servers());
        nodes.addAll(modeCluster.extraNodes());
        for (NodeId id : nodes) {
            NodeStatus s = cluster.node(id).status();
            String state = cluster.restartRefusal(id) != null ? "DOWN FOR GOOD (corrupt disk)"
                    : !cluster.alive(id) ? "CRASHED" : cluster.simulator().paused(id) ? "paused" : "up";
            out.append(id).append(' ').append(state).append(" restarts=").append(cluster.simulator().restarts(id))
                    .append(" role=").append(s.role()).append(" epoch=").append(s.epoch()).append(" leader=")
                    .append(s.leader()).append(" applied=").append(s.applied()).append(' ').append(s.details()).append('\n');
        }
        for (String line : workload.waiting()) out.append(line).append('\n');
        out.append("last trace lines:\n");
        for (String line : cluster.simulator().trace().tail(SimulationFailure.TRACE_LINES_QUOTED)) {
            out.append("  ").append(line).append('\n');
        }
        return out.toString();
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private static String firstViolationLine(String report) {
        for (String line : report.split("\n")) if (line.startsWith("NOT LINEARIZABLE on key")) return line;
        return firstLine(report);
    }
}
