package io.replikv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Goal (issue raft, part 4): real pb and 2pc clusters whose view service is a 3-member Raft group
 * ({@code replikv cluster --mode pb|2pc --viewservices 3}) have no single point of failure.
 * SIGKILL the view service's leader, then a server: the remaining view-service members elect a
 * leader, it carries out the view change (pb: promotes the backup; 2pc: drops the dead replica
 * after freezing and settling the survivors), and the cluster serves every acknowledged write. The
 * killed view-service member, restarted from its data directory, rejoins the group.
 */
class ReplicatedViewServiceIT {
    private static final Pattern ACKED_PRIMARY =
            Pattern.compile("\"leader\"\\s*:\\s*\"n(\\d+)\".*\"acknowledged\"\\s*:\\s*\"true\"", Pattern.DOTALL);
    private static final Pattern KNOWS_LEADER = Pattern.compile("\"raftLeader\"\\s*:\\s*\"vs\\d\"");

    /** Kills the view service's Raft leader and waits for the other two to elect one; returns the killed member. */
    private static int killViewServiceLeader(LocalCluster c) throws Exception {
        int vsLeader = c.viewServiceLeader(List.of(1, 2, 3));
        assertThat(vsLeader).as("a view-service leader").isPositive();
        assertThat(c.viewServiceStatus(vsLeader)).contains("\"term\"").contains("\"commitIndex\"");
        c.kill9("vs" + vsLeader);
        List<Integer> rest = new ArrayList<>(List.of(1, 2, 3));
        rest.remove(Integer.valueOf(vsLeader));
        LocalCluster.await("the remaining members elect a leader", 30, () -> c.viewServiceLeader(rest) > 0);
        return vsLeader;
    }

    private static void restartAndRejoin(LocalCluster c, int vsMember) throws Exception {
        c.restart("vs" + vsMember);
        LocalCluster.await("the restarted member rejoins", 30,
                () -> KNOWS_LEADER.matcher(c.viewServiceStatus(vsMember)).find());
    }

    @Test
    void pbTheViewServiceLeaderAndThenThePrimaryDieAndANewPrimaryServes() throws Exception {
        try (LocalCluster c = LocalCluster.start("pb", 3, 3)) {
            List<String> acked = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                c.appendRetryingRefusals(1 + k % 3, "log", "a" + k + ";");
                acked.add("a" + k + ";");
            }
            assertThat(c.viewServiceStatus(c.viewServiceLeader(List.of(1, 2, 3)))).contains("\"acknowledged\"");
            int vsLeader = killViewServiceLeader(c);
            c.appendRetryingRefusals(1, "log", "b;"); // pb serves through the view service's failover
            acked.add("b;");

            // the primary of the acknowledged view, as the view service and the server itself say:
            // killing a server that merely still thinks it is primary would test no failover
            List<Integer> live = new ArrayList<>(List.of(1, 2, 3));
            live.remove(Integer.valueOf(vsLeader));
            int[] found = {-1};
            LocalCluster.await("an acknowledged view whose primary knows it", 30, () -> {
                java.util.regex.Matcher m = ACKED_PRIMARY.matcher(c.viewServiceStatus(Math.max(c.viewServiceLeader(live), live.get(0))));
                if (!m.find()) return false;
                int n = Integer.parseInt(m.group(1));
                found[0] = n;
                return "primary".equals(c.role(n));
            });
            int primary = found[0];
            c.kill9("n" + primary);
            int other = primary % 3 + 1;
            long killed = System.nanoTime();
            LocalCluster.await("a write succeeds after the primary died", 30, () -> c.append(other, "log", "c;"));
            System.out.println("pb failover under a replicated view service: first write "
                    + (System.nanoTime() - killed) / 1_000_000 + " ms after SIGKILL of the primary");
            acked.add("c;");
            assertThat(c.get(other, "log")).isEqualTo(String.join("", acked));
            restartAndRejoin(c, vsLeader);
        }
    }

    @Test
    void twoPcTheViewServiceLeaderAndThenAReplicaDieAndTheGroupServesWithoutIt() throws Exception {
        try (LocalCluster c = LocalCluster.start("2pc", 3, 3)) {
            List<String> acked = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                c.appendRetryingRefusals(1 + k % 3, "log", "a" + k + ";");
                acked.add("a" + k + ";");
            }
            int vsLeader = killViewServiceLeader(c);
            c.appendRetryingRefusals(2, "log", "b;"); // 2pc serves through the view service's failover
            acked.add("b;");

            // n3 must be a member of the current view when it dies, so that the write below really
            // waits for a view change run by the new view-service leader
            for (int i = 1; i <= 3; i++) {
                int node = i;
                LocalCluster.await("n" + node + " is a replica of the view", 30, () -> "replica".equals(c.role(node)));
            }
            assertThat(c.status(1)).contains("\"view\":\"[n1, n2, n3]\"");
            c.kill9("n3");
            long killed = System.nanoTime();
            // every write needs every replica of the view: this succeeds only once the new view
            // service leader has dropped n3 (freeze, settle, install)
            c.appendRetryingRefusals(1, "log", "c;");
            System.out.println("2pc view change under a replicated view service: first write "
                    + (System.nanoTime() - killed) / 1_000_000 + " ms after SIGKILL of a replica");
            acked.add("c;");
            assertThat(c.status(1)).as("the write went through a view without n3").contains("\"view\":\"[n1, n2]\"");
            assertThat(c.read(1, "log")).isEqualTo(String.join("", acked));
            assertThat(c.read(2, "log")).isEqualTo(String.join("", acked));

            c.restart("n3");
            LocalCluster.await("the restarted replica is taken back after a state transfer", 30,
                    () -> "replica".equals(c.role(3)));
            assertThat(c.read(3, "log")).isEqualTo(String.join("", acked));
            restartAndRejoin(c, vsLeader);
            c.appendRetryingRefusals(3, "log", "d;");
            acked.add("d;");
            for (int i = 1; i <= 3; i++) assertThat(c.read(i, "log")).isEqualTo(String.join("", acked));
        }
    }
}
