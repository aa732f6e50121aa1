package io.replikv.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Goal: every verb has --help; modes this build lacks and bad cluster shapes fail with a clear message and exit 2, before launching anything. */
class MainTest {
    record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        java.io.PrintStream savedErr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            int code = cl.execute(args);
            return new Run(code, out.toString(), err + captured.toString());
        } finally {
            System.setErr(savedErr);
        }
    }

    @Test
    void everyVerbHasHelp() {
        for (String verb : Main.commandLine().getSubcommands().keySet()) {
            Run r = run(verb, "--help");
            assertThat(r.code()).as(verb).isZero();
            assertThat(r.out()).as(verb).contains("Usage:").contains(verb);
        }
        assertThat(Main.commandLine().getSubcommands().keySet()).contains("server", "cluster", "viewservice");
        assertThat(run("--help").out()).contains("server", "cluster");
    }

    @Test
    void serverHelpListsEveryFlag() {
        String help = run("server", "--help").out();
        for (String flag : List.of("--mode", "--name", "--client", "--peer", "--http", "--data", "--viewservice", "--peers",
                "--tick-ms")) {
            assertThat(help).contains(flag);
        }
        assertThat(help).doesNotContain("--parent-pid");
    }

    @Test
    void unknownModesExitTwoWithAClearMessage() {
        Run server = run("server", "--mode", "paxos");
        assertThat(server.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(server.err()).contains("unknown mode 'paxos'");
        Run vs = run("viewservice", "--mode", "raft");
        assertThat(vs.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(vs.err()).contains("--mode must be pb or 2pc");
    }

    @Test
    void singleRunsExactlyOneNode() {
        Run r = run("cluster", "--mode", "single", "--nodes", "3");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("mode single runs exactly one node");
    }

    @Test
    void badServerOptionsExitTwo() {
        assertThat(run("server", "--name", "c7").err()).contains("reserved");
        assertThat(run("server", "--tick-ms", "0").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("server", "--client", "nohost").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void theClusterPlanFollowsThePortScheme() throws Exception {
        ClusterCommand c = new ClusterCommand();
        new CommandLine(c).parseArgs("--mode", "single", "--base-port", "8000");
        List<ClusterCommand.Launch> plan = c.plan();
        assertThat(plan).hasSize(1);
        assertThat(plan.get(0).serverArgs()).containsSubsequence("--client", "127.0.0.1:8001", "--peer", "127.0.0.1:8101",
                "--http", "127.0.0.1:8201");
        assertThat(plan.get(0).httpPort()).isEqualTo(8201);
    }
}
