package io.replikv.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.replikv.client.FakeCluster;
import io.replikv.client.FakeServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Goal: the client verbs print what the operation returned and exit with the documented codes
 * (0 ok, 1 definite failure, 2 usage, 3 unknown); status prints the topology; bench runs a real
 * (small) load against a RESP server and its --json report parses and adds up.
 */
class ClientCliTest {
    private final FakeCluster cluster = new FakeCluster();
    private FakeServer n1;

    record Run(int exitCode, String out, String err) {}

    @BeforeEach
    void start() throws Exception {
        n1 = cluster.start("n1");
        cluster.leader = "n1";
        cluster.members("n1");
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Run verb(String name, String... args) {
        Object command = ClientCli.subcommands().stream()
                .filter(c -> c.getClass().getAnnotation(CommandLine.Command.class).name().equals(name)).findFirst().orElseThrow();
        String[] all = new String[args.length + 2];
        all[0] = "--server";
        all[1] = n1.address();
        System.arraycopy(args, 0, all, 2, args.length);
        return run(command, all);
    }

    @Test
    void dataVerbsPrintTheirResults() {
        assertThat(verb("get", "k")).isEqualTo(new Run(0, "(nil)\n", ""));
        assertThat(verb("put", "k", "v")).isEqualTo(new Run(0, "OK\n", ""));
        assertThat(verb("append", "k", "wx")).isEqualTo(new Run(0, "3\n", ""));
        assertThat(verb("get", "k")).isEqualTo(new Run(0, "vwx\n", ""));
        assertThat(verb("puthash", "k", "")).isEqualTo(new Run(0, "vwx\n", ""));
        assertThat(verb("delete", "k")).isEqualTo(new Run(0, "1\n", ""));
        assertThat(verb("delete", "k")).isEqualTo(new Run(0, "0\n", ""));
    }

    @Test
    void exitCodesFollowTheOutcome() throws Exception {
        Run unreachable = run(new DataVerbs.Get(), "--server", FakeCluster.deadAddress(), "k");
        assertThat(unreachable.exitCode()).isEqualTo(ExitCodes.NOT_APPLIED);
        assertThat(unreachable.err()).contains("NO_SERVER");

        assertThat(verb("put", "k".repeat(5000), "v").exitCode()).isEqualTo(ExitCodes.NOT_APPLIED);
        assertThat(verb("put", "k").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(verb("put", "--bogus", "k", "v").exitCode()).isEqualTo(ExitCodes.USAGE);

        n1.silent = true;
        Run unknown = verb("put", "--timeout-ms", "300", "k", "v");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.UNKNOWN);
        assertThat(unknown.err()).contains("outcome unknown");
        assertThat(verb("get", "--timeout-ms", "300", "k").exitCode()).isEqualTo(ExitCodes.NOT_APPLIED);
    }

    @Test
    void everyVerbHasHelpThatStatesTheExitCodes() {
        for (Object command : ClientCli.subcommands()) {
            Run help = run(command, "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).contains("Exit codes:").contains("usage error").contains("--server");
        }
    }

    @Test
    void statusPrintsTheTopology() throws Exception {
        Run text = verb("status");
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("mode:    single").contains("leader:  n1").contains("n1  leader  " + n1.address());

        JsonNode json = new ObjectMapper().readTree(verb("status", "--json").out());
        assertThat(json.get("leader").asText()).isEqualTo("n1");
        assertThat(json.get("members").get(0).get("address").asText()).isEqualTo(n1.address());

        assertThat(run(new StatusCommand(), "--server", FakeCluster.deadAddress()).exitCode()).isEqualTo(ExitCodes.NOT_APPLIED);
    }

    @Test
    void benchRunsAndReportsJson() throws Exception {
        BenchCommand bench = new BenchCommand();
        bench.progressOverride = false;
        Run run = run(bench, "--server", n1.address(), "--clients", "3", "--requests", "600", "--pipeline", "4",
                "--keys", "20", "--value-size", "8", "--ratio", "1:1", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();

        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.get("completed").asLong()).isEqualTo(600);
        assertThat(report.get("errors").size()).isZero();
        assertThat(report.get("throughputOpsPerSecond").asDouble()).isPositive();
        JsonNode latency = report.get("latencyMicros");
        assertThat(latency.get("p50").asLong()).isLessThanOrEqualTo(latency.get("p99").asLong());
        assertThat(latency.get("p99").asLong()).isLessThanOrEqualTo(latency.get("max").asLong());
        // the server saw exactly the requests, split between SET and GET
        long sets = n1.receivedStartingWith("SET ").size();
        long gets = n1.receivedStartingWith("GET ").size();
        assertThat(sets + gets).isEqualTo(600);
        assertThat(sets).isPositive();
        assertThat(gets).isPositive();
        assertThat(n1.core.stateMachine().size()).isBetween(1, 20);
    }

    @Test
    void benchCountsErrorRepliesByCode() throws Exception {
        n1.followerOf = "n2";
        BenchCommand bench = new BenchCommand();
        bench.progressOverride = false;
        Run run = run(bench, "--server", n1.address(), "--clients", "2", "--requests", "50", "--json");
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.get("errors").get("TRYAGAIN").asLong()).isEqualTo(50);
    }

    @Test
    void benchRefusesBadArgumentsAndUnreachableServers() throws Exception {
        assertThat(run(new BenchCommand(), "--ratio", "x").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run(new BenchCommand(), "--pipeline", "0").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run(new BenchCommand(), "--server", FakeCluster.deadAddress(), "--requests", "1").exitCode())
                .isEqualTo(ExitCodes.NOT_APPLIED);
    }
}
