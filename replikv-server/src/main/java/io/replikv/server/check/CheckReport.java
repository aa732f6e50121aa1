package io.replikv.server.check;

import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.sim.check.CheckResult;
import io.replikv.sim.history.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code replikv check} found, for people ({@link #text()}) and machines ({@link #json()}):
 * the verdict, operation counts by outcome and by command, the failovers observed, the nemesis log
 * and whether the cluster came back. Times are shown relative to the start of the workload.
 *
 * @param startMicros   the history clock (microseconds) at the start of the workload
 * @param notRecovered  null when every member was ready again after the final heal, else why not
 * @param recoveryMs    from the end of the workload until every member was ready (or gave up)
 * @param checkerMs     how long the linearizability checker took
 */
public record CheckReport(CheckConfig config, String mode, int nodes, String runId, List<Operation> operations,
                          List<Nemesis.Event> nemesis, long startMicros, String notRecovered, long recoveryMs,
                          CheckResult result, long checkerMs) {
    /** Exit statuses of replikv check (docs/check.md). */
    public static final int EXIT_LINEARIZABLE = 0;
    public static final int EXIT_NOT_LINEARIZABLE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNKNOWN = 3;
    /** The cluster could not be checked or did not come back: not running, not ready, clients could not connect. */
    public static final int EXIT_NOT_RECOVERED = 4;

    public CheckReport {
        operations = List.copyOf(operations);
        nemesis = List.copyOf(nemesis);
    }

    /** A violation wins over everything; then a cluster that did not come back; then a checker that ran out of budget. */
    public int exitCode() {
        if (result.verdict() == CheckResult.Verdict.NOT_LINEARIZABLE) return EXIT_NOT_LINEARIZABLE;
        if (notRecovered != null) return EXIT_NOT_RECOVERED;
        if (result.verdict() == CheckResult.Verdict.UNKNOWN) return EXIT_UNKNOWN;
        return EXIT_LINEARIZABLE;
    }

    String verdictWord() {
        return switch (result.verdict()) {
            case LINEARIZABLE -> "linearizable";
            case NOT_LINEARIZABLE -> "NOT linearizable";
            case UNKNOWN -> "unknown (the checker ran out of budget)";
        };
    }

    /** Counts of operations by outcome: ok, notApplied, unknown, neverReturned, in that order. */
    Map<String, Long> outcomeCounts() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String k : List.of("ok", "notApplied", "unknown", "neverReturned")) m.put(k, 0L);
        for (Operation op : operations) m.merge(outcomeWord(op.outcome()), 1L, Long::sum);
        return m;
    }

    private static String outcomeWord(Outcome o) {
        return switch (o) {
            case null -> "neverReturned";
            case Outcome.Ok ok -> "ok";
            case Outcome.NotApplied n -> "notApplied";
            case Outcome.Unknown u -> "unknown";
        };
    }

    /** Counts of operations by command, in a fixed order. */
    Map<String, Long> commandCounts() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String k : List.of("get", "put", "append", "puthash", "delete")) m.put(k, 0L);
        for (Operation op : operations) m.merge(commandWord(op.command()), 1L, Long::sum);
        return m;
    }

    private static String commandWord(Command c) {
        return switch (c) {
            case Command.Get g -> "get";
            case Command.Put p -> "put";
            case Command.Append a -> "append";
            case Command.PutHash h -> "puthash";
            case Command.Delete d -> "delete";
        };
    }

    /** NotApplied codes and how often each came, in code order. */
    Map<String, Long> notAppliedCodes() {
        Map<String, Long> m = new TreeMap<>();
        for (Operation op : operations) if (op.outcome() instanceof Outcome.NotApplied n) m.merge(n.code(), 1L, Long::sum);
        return m;
    }

    /**
     * For each fault (kill, pause, graceful restart), the time from the fault to the return of the
     * first acknowledged write called at or after it, in milliseconds; -1 when no write succeeded
     * after it before the end. A fault on a node the writes do not need costs a few milliseconds;
     * the leader's or primary's costs the failover.
     */
    static List<Long> failoversMs(List<Operation> operations, List<Nemesis.Event> nemesis) {
        List<Operation> okWrites = new ArrayList<>();
        for (Operation op : operations) {
            if (op.outcome() instanceof Outcome.Ok && !op.command().readOnly()) okWrites.add(op);
        }
        okWrites.sort(Comparator.comparingLong(Operation::callTime));
        List<Long> result = new ArrayList<>();
        for (Nemesis.Event e : nemesis) {
            if (!e.fault()) continue;
            long best = Long.MAX_VALUE;
            for (Operation op : okWrites) {
                if (op.callTime() >= e.atMicros()) best = Math.min(best, op.returnTime());
            }
            result.add(best == Long.MAX_VALUE ? -1 : (best - e.atMicros()) / 1_000);
        }
        return result;
    }

    /** min, median (the lower one of an even count), max of the observed failovers; empty when none. */
    static List<Long> minMedianMax(List<Long> values) {
        List<Long> seen = new ArrayList<>();
        for (long v : values) if (v >= 0) seen.add(v);
        if (seen.isEmpty()) return List.of();
        seen.sort(null);
        return List.of(seen.getFirst(), seen.get((seen.size() - 1) / 2), seen.getLast());
    }

    private double relativeSeconds(long micros) {
        return (micros - startMicros) / 1e6;
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "replikv check: %s cluster of %d nodes in %s; %d clients for %d s over %d keys "
                        + "(check-%s-*); nemesis %s; seed %d%n", mode, nodes, config.data(), config.clients(),
                config.durationS(), config.keys(), runId,
                config.faults().isEmpty() ? "none" : config.nemesis() + " every " + config.intervalMs() + " ms", config.seed()));
        out.append("nemesis:").append(nemesis.isEmpty() ? " nothing done" : "").append('\n');
        for (Nemesis.Event e : nemesis) {
            out.append(String.format(Locale.ROOT, "  +%8.3f s  %-8s %-4s %s%s%n", relativeSeconds(e.atMicros()), e.action(),
                    e.target(), e.pid() == 0 ? "" : "pid " + e.pid() + " ", e.detail()));
        }
        out.append(notRecovered == null
                ? String.format(Locale.ROOT, "recovery: every member ready %.1f s after the workload ended%n", recoveryMs / 1e3)
                : "recovery: FAILED: " + notRecovered + "\n");
        Map<String, Long> o = outcomeCounts();
        out.append(String.format(Locale.ROOT, "operations: %d (%.0f/s): ok %d, not applied %d%s, unknown %d, never returned %d%n",
                operations.size(), operations.size() / (double) config.durationS(), o.get("ok"), o.get("notApplied"),
                notAppliedCodes().isEmpty() ? "" : " " + notAppliedCodes(), o.get("unknown"), o.get("neverReturned")));
        out.append("  by command: ").append(commandCounts().toString().replace("{", "").replace("}", "").replace("=", " "))
                .append('\n');
        out.append(failoverLine());
        out.append(String.format(Locale.ROOT, "checker: %s (%.1f s)%n", result.summary(), checkerMs / 1e3));
        if (result.verdict() != CheckResult.Verdict.LINEARIZABLE) {
            String report = result.report();
            out.append(report.substring(report.indexOf('\n') + 1)); // the summary line is already above
        }
        out.append("verdict: ").append(verdictWord()).append('\n');
        return out.toString();
    }

    private String failoverLine() {
        List<Long> each = failoversMs(operations, nemesis);
        if (each.isEmpty()) return "failovers: no faults\n";
        List<Long> mmm = minMedianMax(each);
        long none = each.stream().filter(v -> v < 0).count();
        String stats = mmm.isEmpty() ? "none observed"
                : String.format(Locale.ROOT, "min %d ms, median %d ms, max %d ms", mmm.get(0), mmm.get(1), mmm.get(2));
        return String.format(Locale.ROOT, "failovers: %d faults; from a fault to the next acknowledged write: %s%s%n",
                each.size(), stats, none == 0 ? "" : " (" + none + " with no acknowledged write after them)");
    }

    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", result.verdict().name());
        m.put("exitCode", exitCode());
        m.put("mode", mode);
        m.put("nodes", nodes);
        m.put("data", config.data().toString());
        m.put("clients", config.clients());
        m.put("durationS", config.durationS());
        m.put("keys", config.keys());
        m.put("keyPrefix", "check-" + runId + "-");
        m.put("nemesis", config.nemesis());
        m.put("nemesisIntervalMs", config.intervalMs());
        m.put("seed", config.seed());
        Map<String, Object> ops = new LinkedHashMap<>();
        ops.put("total", (long) operations.size());
        ops.putAll(outcomeCounts());
        ops.put("notAppliedCodes", notAppliedCodes());
        ops.put("byCommand", commandCounts());
        m.put("operations", ops);
        List<Long> each = failoversMs(operations, nemesis);
        List<Long> mmm = minMedianMax(each);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("faults", each.size());
        f.put("eachMs", each);
        f.put("minMs", mmm.isEmpty() ? null : mmm.get(0));
        f.put("medianMs", mmm.isEmpty() ? null : mmm.get(1));
        f.put("maxMs", mmm.isEmpty() ? null : mmm.get(2));
        m.put("failovers", f);
        List<Object> log = new ArrayList<>();
        for (Nemesis.Event e : nemesis) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("atMs", (e.atMicros() - startMicros) / 1_000);
            em.put("action", e.action());
            em.put("target", e.target());
            em.put("pid", e.pid());
            em.put("detail", e.detail());
            log.add(em);
        }
        m.put("nemesisLog", log);
        m.put("recovered", notRecovered == null);
        m.put("recovery", notRecovered == null ? "ready" : notRecovered);
        m.put("recoveryMs", recoveryMs);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("summary", result.summary());
        c.put("statesExplored", result.statesExplored());
        c.put("ms", checkerMs);
        c.put("report", result.verdict() == CheckResult.Verdict.LINEARIZABLE ? null : result.report());
        m.put("checker", c);
        return m;
    }
}
