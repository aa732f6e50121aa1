package io.replikv.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Goal: {@code replikv simulate} runs seeds and ends with the exact total line, replays one seed with its trace, and refuses bad usage with exit 2. */
class SimulateCommandTest {
    record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void runsSeedsAndPrintsTheTotalLine() {
        Run r = run("simulate", "--mode", "single", "--seeds", "3", "--first-seed", "10", "--ticks", "300");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("3 seeds from 10").contains("seeds/s");
        assertThat(r.out().lines()).contains("simulate: 3 passed, 0 failed");
    }

    @Test
    void drawsAndPrintsTheFirstSeedWhenNotGiven() {
        Run r = run("simulate", "--mode", "raft", "--seeds", "1", "--ticks", "100");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).containsPattern("1 seeds from \\d+ \\(drawn at random\\)");
    }

    @Test
    void replaysOneSeedWithItsTrace() {
        Run r = run("simulate", "--mode", "2pc", "--seed", "5", "--trace", "--ticks", "200");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains(" invoke op1 ").contains("trace: ").contains("seed 5: ok");
        Run again = run("simulate", "--mode", "2pc", "--seed", "5", "--ticks", "200");
        String digest = r.out().lines().filter(l -> l.startsWith("trace: ")).findFirst().orElseThrow();
        assertThat(again.out().lines()).as("same seed, same trace digest").contains(digest);
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(run("simulate", "--mode", "nope").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("simulate", "--mode", "nope").err()).contains("modes: single, pb, 2pc, raft");
        assertThat(run("simulate", "--mode", "single", "--nodes", "3").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("simulate", "--mode", "raft", "--trace").code()).isEqualTo(ExitCodes.USAGE);
    }
}
