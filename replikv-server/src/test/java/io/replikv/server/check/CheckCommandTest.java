package io.replikv.server.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.server.cli.ClusterFile;
import io.replikv.server.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Goal: {@code replikv check} refuses bad options and a directory without a running cluster with
 * exit 2 and a message that says what is wrong, before it touches any process; and cluster.json
 * survives a write and a read, a restart updates one member's pid only, and a file of another
 * format is refused.
 */
class CheckCommandTest {
    record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream savedErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true)); // before the command line exists: its writers wrap System.err
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try {
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            int code = cl.execute(args);
            return new Run(code, out.toString(), err + captured.toString());
        } finally {
            System.setErr(savedErr);
        }
    }

    @Test
    void badOptionsExitTwo(@TempDir Path dir) {
        assertThat(run("check").code()).isEqualTo(CheckReport.EXIT_USAGE);
        Run nemesis = run("check", "--data", dir.toString(), "--nemesis", "kill,flood");
        assertThat(nemesis.code()).isEqualTo(CheckReport.EXIT_USAGE);
        assertThat(nemesis.err()).contains("unknown fault 'flood'");
        Run clients = run("check", "--data", dir.toString(), "--clients", "0");
        assertThat(clients.code()).isEqualTo(CheckReport.EXIT_USAGE);
        assertThat(clients.err()).contains("--clients must be 1..64");
        assertThat(run("check", "--data", dir.toString(), "--nemesis-interval-ms", "5").err())
                .contains("--nemesis-interval-ms must be 100..600000");
    }

    @Test
    void noClusterExitsTwo(@TempDir Path dir) throws Exception {
        Run none = run("check", "--data", dir.toString(), "--duration-s", "1");
        assertThat(none.code()).isEqualTo(CheckReport.EXIT_USAGE);
        assertThat(none.err()).contains("no cluster at " + dir, "cluster.json");

        // a cluster.json whose cluster process is gone: a pid that cannot be alive (beyond pid_max)
        new ClusterFile(ClusterFile.FORMAT, "single", 1, 7000, 10, dir.toString(), Long.MAX_VALUE / 2,
                List.of(member("n1", 1))).write(dir);
        Run dead = run("check", "--data", dir.toString(), "--duration-s", "1");
        assertThat(dead.code()).isEqualTo(CheckReport.EXIT_USAGE);
        assertThat(dead.err()).contains("is not running");
    }

    private static ClusterFile.Member member(String name, long pid) {
        return new ClusterFile.Member(name, "server", pid, "127.0.0.1:7001", "127.0.0.1:7101", "127.0.0.1:7201",
                List.of("server", "--name", name), "/tmp/" + name + ".log", ClusterFile.STARTED_BY_CLUSTER);
    }

    @Test
    void clusterJsonRoundTripsAndARestartChangesOnePid(@TempDir Path dir) throws Exception {
        ClusterFile.Member vs = new ClusterFile.Member("vs", "viewservice", 10, null, "127.0.0.1:7100", "127.0.0.1:7200",
                List.of("viewservice", "--mode", "2pc"), "/tmp/vs.log", ClusterFile.STARTED_BY_CLUSTER);
        ClusterFile file = new ClusterFile(ClusterFile.FORMAT, "2pc", 2, 7000, 10, dir.toString(), 9,
                List.of(vs, member("n1", 11), member("n2", 12)));
        file.write(dir);
        assertThat(ClusterFile.read(dir)).isEqualTo(file);

        ClusterFile restarted = file.withPid("n2", 99, ClusterFile.STARTED_BY_CHECK);
        restarted.write(dir);
        ClusterFile read = ClusterFile.read(dir);
        assertThat(read.member("n2").orElseThrow().pid()).isEqualTo(99);
        assertThat(read.member("n2").orElseThrow().startedBy()).isEqualTo(ClusterFile.STARTED_BY_CHECK);
        assertThat(read.member("n1")).contains(member("n1", 11));
        assertThat(read.member("vs").orElseThrow().client()).isNull();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(ClusterFile.FILE_NAME);
        }
    }

    @Test
    void anotherFormatIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(ClusterFile.path(dir), "{\"format\": 2}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClusterFile.read(dir))
                .hasMessageContaining("format 2");
        Files.writeString(ClusterFile.path(dir), "{\"format\": 1, \"mode\": \"raft\"}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClusterFile.read(dir))
                .hasMessageContaining("field 'processes' is missing");
    }
}
