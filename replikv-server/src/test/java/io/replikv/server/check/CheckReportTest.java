package io.replikv.server.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.client.cli.Json;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;
import io.replikv.core.util.Bytes;
import io.replikv.sim.check.Budget;
import io.replikv.sim.check.LinearizabilityChecker;
import io.replikv.sim.history.Operation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Goal: the report of a check says what happened: the verdict and its exit status (a violation
 * wins over a cluster that did not come back, which wins over an unknown verdict), counts by
 * outcome and command, the failover after each fault (to the first acknowledged write called after
 * it), the nemesis log, and for a violation the checker's report of the key; the same in JSON.
 */
class CheckReportTest {
    private static final Bytes K = Bytes.of("k");
    private static final CheckConfig CONFIG = new CheckConfig(Path.of("/tmp/data"), 2, 10, 1, "kill,pause", 3_000, 9);

    private static Operation op(long id, String client, Command c, long call, long ret, Outcome o) {
        return new Operation(id, client, c, call, ret, o);
    }

    /** Put a, a kill at 1 s, a failed write, then Put b acknowledged at 1.25 s; a pause at 2 s with no write after it. */
    private static List<Operation> history(Result lastRead) {
        return List.of(
                op(1, "c1", new Command.Put(K, Bytes.of("a")), 100_000, 200_000, new Outcome.Ok(Result.WRITTEN)),
                op(2, "c2", new Command.Append(K, Bytes.of("x")), 1_000_000, 1_100_000, new Outcome.NotApplied("TIMEOUT", "t")),
                op(3, "c1", new Command.Put(K, Bytes.of("b")), 1_050_000, 1_250_000, new Outcome.Ok(Result.WRITTEN)),
                op(4, "c2", new Command.Get(K), 1_300_000, 1_400_000, new Outcome.Ok(lastRead)),
                op(5, "c1", new Command.Delete(K), 1_500_000, 1_600_000, new Outcome.Unknown("no answer")),
                op(6, "c2", new Command.Get(K), 1_700_000, Operation.NEVER, null));
    }

    private static final List<Nemesis.Event> NEMESIS = List.of(
            new Nemesis.Event(1_000_000, "kill", "n2", 41, "for 2000 ms"),
            new Nemesis.Event(1_900_000, "start", "n2", 42, ""),
            new Nemesis.Event(2_000_000, "pause", "n1", 40, "for 1500 ms"));

    private static CheckReport report(Result lastRead, String notRecovered) {
        List<Operation> h = history(lastRead);
        return new CheckReport(CONFIG, "raft", 3, "run1", h, NEMESIS, 0, notRecovered, 1_200, LinearizabilityChecker.check(h), 7);
    }

    @Test
    void aLinearizableRun() {
        CheckReport r = report(new Result.Value(Bytes.of("b")), null);
        assertThat(r.exitCode()).isEqualTo(CheckReport.EXIT_LINEARIZABLE);
        assertThat(r.outcomeCounts()).containsExactly(Map.entry("ok", 3L), Map.entry("notApplied", 1L),
                Map.entry("unknown", 1L), Map.entry("neverReturned", 1L));
        assertThat(r.commandCounts()).containsEntry("get", 2L).containsEntry("put", 2L).containsEntry("append", 1L)
                .containsEntry("delete", 1L).containsEntry("puthash", 0L);
        assertThat(CheckReport.failoversMs(r.operations(), r.nemesis())).containsExactly(250L, -1L);
        String text = r.text();
        assertThat(text).contains("raft cluster of 3 nodes", "nemesis kill,pause every 3000 ms", "seed 9")
                .contains("+   1.000 s  kill     n2   pid 41 for 2000 ms")
                .contains("ok 3, not applied 1 {TIMEOUT=1}, unknown 1, never returned 1")
                .contains("failovers: 2 faults; from a fault to the next acknowledged write: min 250 ms, median 250 ms, max 250 ms"
                        + " (1 with no acknowledged write after them)")
                .contains("recovery: every member ready 1.2 s after the workload ended")
                .endsWith("verdict: linearizable\n");
        assertThat(text).doesNotContain("NOT LINEARIZABLE");
    }

    @Test
    void aStaleReadIsReportedWithTheKeysHistory() {
        CheckReport r = report(new Result.Value(Bytes.of("a")), null);
        assertThat(r.exitCode()).isEqualTo(CheckReport.EXIT_NOT_LINEARIZABLE);
        assertThat(r.text()).contains("NOT LINEARIZABLE on key \"k\"", "History of key \"k\"", "> #4 c2")
                .endsWith("verdict: NOT linearizable\n");
        Map<?, ?> json = (Map<?, ?>) new com.fasterxml.jackson.databind.ObjectMapper().convertValue(r.json(), Map.class);
        assertThat(json.get("verdict")).isEqualTo("NOT_LINEARIZABLE");
        assertThat(json.get("exitCode")).isEqualTo(1);
        assertThat((String) ((Map<?, ?>) json.get("checker")).get("report")).contains("NOT LINEARIZABLE on key");
    }

    @Test
    void exitStatusPrecedence() {
        assertThat(report(new Result.Value(Bytes.of("a")), "not ready: n1").exitCode()).isEqualTo(CheckReport.EXIT_NOT_LINEARIZABLE);
        assertThat(report(new Result.Value(Bytes.of("b")), "not ready: n1").exitCode()).isEqualTo(CheckReport.EXIT_NOT_RECOVERED);
        List<Operation> h = history(new Result.Value(Bytes.of("b")));
        CheckReport unknown = new CheckReport(CONFIG, "raft", 3, "run1", h, NEMESIS, 0, null, 0,
                LinearizabilityChecker.check(h, new Budget(1, 1, 1)), 0);
        assertThat(unknown.exitCode()).isEqualTo(CheckReport.EXIT_UNKNOWN);
        assertThat(unknown.text()).contains("verdict: unknown");
    }

    @Test
    void theJsonCarriesTheNumbers() {
        String json = Json.write(report(new Result.Value(Bytes.of("b")), null).json());
        assertThat(json).contains("\"verdict\":\"LINEARIZABLE\"", "\"exitCode\":0", "\"total\":6", "\"ok\":3",
                "\"neverReturned\":1", "\"eachMs\":[250,-1]", "\"medianMs\":250", "\"atMs\":1000", "\"action\":\"kill\"",
                "\"recovered\":true", "\"report\":null");
    }

    @Test
    void minMedianMaxIgnoresFaultsWithoutAWriteAfterThem() {
        assertThat(CheckReport.minMedianMax(List.of(5L, -1L, 1L, 9L, 3L))).containsExactly(1L, 3L, 9L);
        assertThat(CheckReport.minMedianMax(List.of(-1L))).isEmpty();
    }
}
