package io.replikv.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.NodeId;
import io.replikv.server.runtime.NodeConfig;
import io.replikv.server.runtime.PeerSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Goal: the flags of a replicated view service. {@code --viewservice} takes one address or a list of
 * members; {@code replikv cluster --viewservices 3} plans three members on P+100, P+90, P+80 and
 * hands the servers the list; wrong shapes fail with a clear message and exit 2 before anything
 * starts.
 */
class ViewServiceFlagsTest {
    private static int runQuietly(String... args) {
        PrintStream saved = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true));
        try {
            return Main.commandLine().execute(args);
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void viewServiceAddressesParse() {
        assertThat(NodeConfig.parseViewServices("127.0.0.1:7100"))
                .extracting(PeerSpec::name).containsExactly(NodeConfig.VIEW_SERVICE);
        List<PeerSpec> group = NodeConfig.parseViewServices("vs1=127.0.0.1:7100, vs2=127.0.0.1:7090,vs3=127.0.0.1:7080");
        assertThat(group).extracting(PeerSpec::name).containsExactly(NodeId.of("vs1"), NodeId.of("vs2"), NodeId.of("vs3"));
        assertThat(group.get(1).peer().port()).isEqualTo(7090);
        assertThat(NodeConfig.parseViewServices(null)).isEmpty();
        assertThatThrownBy(() -> NodeConfig.parseViewServices("vs1=127.0.0.1:1,vs1=127.0.0.1:2"))
                .hasMessageContaining("twice");
        NodeConfig config = new NodeConfig("pb", NodeId.of("n1"), List.of(), group, 10, 1, null);
        assertThat(config.viewServiceIds()).containsExactly(NodeId.of("vs1"), NodeId.of("vs2"), NodeId.of("vs3"));
    }

    @Test
    void aClusterWithThreeViewServiceMembersFollowsThePortScheme() throws Exception {
        ClusterCommand c = new ClusterCommand();
        new CommandLine(c).parseArgs("--mode", "pb", "--viewservices", "3", "--base-port", "8000", "--data", "d");
        List<ClusterCommand.Launch> plan = c.plan();
        assertThat(plan).extracting(ClusterCommand.Launch::name).containsExactly("vs1", "vs2", "vs3", "n1", "n2", "n3");
        String members = "vs1=127.0.0.1:8100,vs2=127.0.0.1:8090,vs3=127.0.0.1:8080";
        assertThat(plan.get(1).serverArgs()).containsSubsequence("viewservice", "--mode", "pb", "--name", "vs2",
                "--peers", members, "--http", "127.0.0.1:8190");
        assertThat(plan.get(1).httpPort()).isEqualTo(8190);
        assertThat(plan.get(3).serverArgs()).containsSubsequence("--viewservice", members);
        assertThat(ClusterCommand.memberArgs("pb", 3, 3, 8000, java.nio.file.Path.of("d"), 10, "vs3"))
                .isEqualTo(plan.get(2).serverArgs());
    }

    @Test
    void aTwoPcClusterWithThreeViewServiceMembersGivesThemTheReplicaList() throws Exception {
        ClusterCommand c = new ClusterCommand();
        new CommandLine(c).parseArgs("--mode", "2pc", "--nodes", "5", "--viewservices", "3", "--base-port", "8000", "--data", "d");
        List<ClusterCommand.Launch> plan = c.plan();
        assertThat(plan).extracting(ClusterCommand.Launch::name)
                .containsExactly("vs1", "vs2", "vs3", "n1", "n2", "n3", "n4", "n5");
        String members = "vs1=127.0.0.1:8100,vs2=127.0.0.1:8090,vs3=127.0.0.1:8080";
        assertThat(plan.get(2).serverArgs()).containsSubsequence("viewservice", "--mode", "2pc", "--name", "vs3",
                "--peers", members, "--members", "n1,n2,n3,n4,n5").doesNotContain("--backups");
        assertThat(plan.get(7).serverArgs()).containsSubsequence("server", "--mode", "2pc").containsSubsequence("--viewservice", members);
    }

    @Test
    void aSingleViewServiceIsUnchanged() throws Exception {
        ClusterCommand c = new ClusterCommand();
        new CommandLine(c).parseArgs("--mode", "pb", "--base-port", "8000");
        List<ClusterCommand.Launch> plan = c.plan();
        assertThat(plan.get(0).name()).isEqualTo("vs");
        assertThat(plan.get(0).serverArgs()).containsSubsequence("--peer", "127.0.0.1:8100");
        assertThat(plan.get(1).serverArgs()).containsSubsequence("--viewservice", "127.0.0.1:8100");
    }

    @Test
    void badShapesExitTwo() {
        assertThat(runQuietly("cluster", "--mode", "raft", "--viewservices", "3")).as("raft has no view service")
                .isEqualTo(ExitCodes.USAGE);
        assertThat(runQuietly("cluster", "--mode", "pb", "--viewservices", "2")).isEqualTo(ExitCodes.USAGE);
        assertThat(runQuietly("cluster", "--mode", "pb", "--viewservices", "3", "--nodes", "80")).isEqualTo(ExitCodes.USAGE);
        assertThat(runQuietly("viewservice", "--name", "vs9", "--peers", "vs1=127.0.0.1:1,vs2=127.0.0.1:2,vs3=127.0.0.1:3"))
                .as("--peers without this member").isEqualTo(ExitCodes.USAGE);
        assertThat(runQuietly("viewservice", "--mode", "2pc", "--name", "vs1", "--peers",
                "vs1=127.0.0.1:1,vs2=127.0.0.1:2,vs3=127.0.0.1:3")).as("2pc without --members").isEqualTo(ExitCodes.USAGE);
        assertThat(runQuietly("viewservice", "--name", "vs1", "--peers", "vs1=127.0.0.1:1,vs2=127.0.0.1:2"))
                .as("two members cannot survive a failure").isEqualTo(ExitCodes.USAGE);
    }
}
