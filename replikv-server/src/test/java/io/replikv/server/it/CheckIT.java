package io.replikv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.server.cli.ClusterFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Goal (issue sim, part 2): {@code replikv check} against live clusters. A 3-node raft cluster
 * under a kill-and-pause nemesis is found linearizable (exit 0), every member the nemesis killed
 * runs again afterwards under a new pid recorded in cluster.json, and nothing is left running once
 * the cluster stops. A cluster broken on purpose (REPLIKV_UNSAFE_TEST_FAULT=lose-puts, which
 * acknowledges some Puts without applying them) is found NOT linearizable (exit 1), with the
 * offending key's history.
 */
class CheckIT {
    /** Whole-run bound for one check process, in seconds: its workload, the heal and the checker, on a busy machine. */
    private static final long CHECK_DEADLINE_SECONDS = 120;

    private static ServerProcess check(LocalCluster c, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("check", "--data", c.data.toString()));
        args.addAll(List.of(options));
        return ServerProcess.launch(args);
    }

    @Test
    void aRaftClusterUnderKillsAndPausesIsLinearizable() throws Exception {
        List<Long> pids = new ArrayList<>();
        try (LocalCluster c = LocalCluster.start("raft", 3)) {
            ServerProcess run = check(c, "--duration-s", "15", "--clients", "4", "--nemesis", "kill,pause",
                    "--nemesis-interval-ms", "2000", "--seed", "1");
            int code = run.awaitExit(CHECK_DEADLINE_SECONDS);
            String out = run.output();
            assertThat(code).as(out).isZero();
            assertThat(out).contains("verdict: linearizable", "checker: LINEARIZABLE", "recovery: every member ready");
            assertThat(out).containsPattern("\\+ +\\d+\\.\\d+ s  (kill|pause) +n\\d");
            assertThat(out).containsPattern("operations: [1-9]\\d* ");

            ClusterFile file = ClusterFile.read(c.data);
            for (ClusterFile.Member m : file.processes()) {
                pids.add(m.pid());
                assertThat(ProcessHandle.of(m.pid()).map(ProcessHandle::isAlive)).as("%s runs after the check", m.name())
                        .contains(true);
            }
            if (out.contains(" kill ")) {
                assertThat(file.processes()).anyMatch(m -> m.startedBy().equals(ClusterFile.STARTED_BY_CHECK));
            }
        }
        for (long pid : pids) {
            LocalCluster.await("pid " + pid + " stops with the cluster", 30,
                    () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        }
    }

    @Test
    void aClusterThatLosesAcknowledgedPutsIsNotLinearizable() throws Exception {
        try (LocalCluster c = LocalCluster.start("single", 1, Map.of("REPLIKV_UNSAFE_TEST_FAULT", "lose-puts:0.2"))) {
            ServerProcess run = check(c, "--duration-s", "4", "--clients", "3", "--keys", "2", "--nemesis", "none", "--seed", "2");
            int code = run.awaitExit(CHECK_DEADLINE_SECONDS);
            String out = run.output();
            assertThat(code).as(out).isEqualTo(1);
            assertThat(out).contains("checker: NOT_LINEARIZABLE", "NOT LINEARIZABLE on key \"check-",
                    "Nothing can come next", "History of key", "verdict: NOT linearizable");
        }
    }
}
