package io.replikv.core.replicated;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.twophase.GroupViewCore;
import io.replikv.core.twophase.GroupViewMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Goal: the generic replicated wrapper keeps every member's copy of the inner node (here the 2pc
 * group view service) identical — after the same log, across compactions that restart every copy,
 * and for a member restored from a snapshot or a restart — while only the leader speaks for the
 * service, outputs find their way back through the member that relayed, and the leader's buffer of
 * inputs is bounded.
 */
class ReplicatedNodeTest {
    private static final NodeId R1 = Group.REPLICAS.get(0);

    /** Each replica pings a member of its choice every ping interval, as a 2pc replica would. */
    private static void pingRounds(Group g, int rounds, List<NodeId> via, long viewNumber) {
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < Group.REPLICAS.size(); i++) {
                NodeId target = via.get(i % via.size());
                g.send(Group.REPLICAS.get(i), target, new GroupViewMessage.Ping(viewNumber, 7 + i, round * 5L, 0));
            }
            g.deliver();
            g.tick(5);
        }
    }

    private static GroupViewCore innerOf(ReplicatedNode n) {
        return (GroupViewCore) n.inner();
    }

    /** At the highest index every member recorded (after catching up), every copy is the same. */
    private static void assertCopiesIdentical(Group g) {
        g.tick(20); // followers learn the commit index with the next append or heartbeat
        long common = g.copies.values().stream().mapToLong(c -> c.lastKey()).min().orElseThrow();
        java.util.TreeSet<Long> shared = new java.util.TreeSet<>(g.copies.get(Group.MEMBERS.getFirst()).keySet());
        for (var c : g.copies.values()) shared.retainAll(c.keySet());
        Long at = shared.floor(common);
        assertThat(at).as("an index every member applied").isNotNull().isGreaterThan(common - 20);
        Group.Copy first = g.copies.get(Group.MEMBERS.getFirst()).get(at);
        for (var e : g.copies.entrySet()) {
            assertThat(e.getValue().get(at)).as("%s's copy at %d", e.getKey(), at).isEqualTo(first);
        }
    }

    @Test
    void copiesStayIdenticalAndTheFirstViewForms() {
        Group g = new Group(1, ReplicatedConfig.DEFAULT);
        assertThat(g.awaitLeader(300)).isTrue();
        pingRounds(g, 10, Group.MEMBERS, 0);
        GroupViewCore inner = innerOf(g.leader());
        assertThat(inner.view().number()).isEqualTo(1);
        assertThat(inner.view().members()).isEqualTo(Group.REPLICAS);
        assertCopiesIdentical(g);
        assertThat(g.received(R1)).anyMatch(s -> s.message() instanceof GroupViewMessage.Install);
        assertThat(g.leader().status().mode()).isEqualTo("viewservice");
        assertThat(g.leader().status().role()).isEqualTo("leader");
        assertThat(g.leader().status().details()).containsEntry("innerRole", "stable").containsKey("commitIndex");
    }

    @Test
    void aFollowerNeverSendsInnerOutputsOfItsOwn() {
        Group g = new Group(2, ReplicatedConfig.DEFAULT);
        assertThat(g.awaitLeader(300)).isTrue();
        NodeId leader = g.leader().id();
        pingRounds(g, 10, List.of(leader), 0);
        assertThat(g.outside).isNotEmpty();
        assertThat(g.outside).allMatch(s -> s.from().equals(leader), "every output comes from the leader");
        for (ReplicatedNode f : g.followers()) assertThat(f.relayed()).isZero();
    }

    @Test
    void aFollowerRelaysInputsAndOutputsComeBackThroughIt() {
        Group g = new Group(3, ReplicatedConfig.DEFAULT);
        assertThat(g.awaitLeader(300)).isTrue();
        ReplicatedNode leader = g.leader();
        NodeId follower = g.followers().getFirst().id();
        pingRounds(g, 10, List.of(follower), 0);
        assertThat(g.node(follower).relayed()).isGreaterThanOrEqualTo(30);
        assertThat(leader.routes()).containsEntry(R1, follower);
        assertThat(innerOf(leader).view().number()).isEqualTo(1);
        List<Group.Sent> replies = g.received(R1).stream().filter(s -> s.message() instanceof GroupViewMessage.ViewReply).toList();
        assertThat(replies).anyMatch(s -> s.from().equals(follower)).anyMatch(s -> s.from().equals(leader.id()));
        assertThat(leader.relayedBack()).isPositive();
        assertCopiesIdentical(g);
    }

    @Test
    void compactionAtTheIntervalRestartsEveryCopyIdentically() {
        Group g = new Group(4, ReplicatedConfig.DEFAULT.withCompactionIntervalEntries(10));
        assertThat(g.awaitLeader(300)).isTrue();
        pingRounds(g, 30, Group.MEMBERS, 0);
        pingRounds(g, 10, Group.MEMBERS, 1);
        ReplicatedNode leader = g.leader();
        assertThat(leader.compactions()).isGreaterThanOrEqualTo(3);
        assertThat(leader.core().snapshotIndex() % 10).isZero();
        assertThat(innerOf(leader).view().number()).isEqualTo(1);
        assertCopiesIdentical(g);
        for (ReplicatedNode n : g.nodes.values()) {
            assertThat(n.compactions()).as("%s compactions", n.id()).isEqualTo(leader.compactions());
            assertThat(n.core().snapshotIndex()).as("%s snapshot", n.id()).isEqualTo(leader.core().snapshotIndex());
        }
    }

    @Test
    void aMemberRestoredFromASnapshotOrRestartedEqualsTheOthers() {
        Group g = new Group(5, ReplicatedConfig.DEFAULT.withCompactionIntervalEntries(10));
        assertThat(g.awaitLeader(300)).isTrue();
        pingRounds(g, 5, Group.MEMBERS, 0);
        NodeId behind = g.followers().getFirst().id();
        g.isolated.add(behind);
        List<NodeId> others = Group.MEMBERS.stream().filter(m -> !m.equals(behind)).toList();
        pingRounds(g, 30, others, 1); // the log is compacted far past what it has: it gets a snapshot
        g.isolated.remove(behind);
        pingRounds(g, 5, others, 1);
        assertCopiesIdentical(g);

        NodeId restarted = g.followers().getLast().id();
        g.crash(restarted);
        pingRounds(g, 10, Group.MEMBERS.stream().filter(m -> !m.equals(restarted)).toList(), 1);
        g.restart(restarted);
        pingRounds(g, 5, Group.MEMBERS, 1);
        assertCopiesIdentical(g);
    }

    @Test
    void theServiceSurvivesTheLossOfItsLeader() {
        Group g = new Group(6, ReplicatedConfig.DEFAULT);
        assertThat(g.awaitLeader(300)).isTrue();
        pingRounds(g, 10, Group.MEMBERS, 0);
        NodeId old = g.leader().id();
        g.crash(old);
        List<NodeId> live = Group.MEMBERS.stream().filter(m -> !m.equals(old)).toList();
        assertThat(g.awaitLeader(300)).isTrue();
        assertThat(innerOf(g.leader()).view().number()).isEqualTo(1);
        // replica r3 stops pinging: the new leader's copy drops it from the view
        for (int round = 0; round < 30; round++) {
            for (int i = 0; i < 2; i++) {
                g.send(Group.REPLICAS.get(i), live.get(i % 2), new GroupViewMessage.Ping(
                        innerOf(g.leader()).view().number(), 7 + i, round * 5L, 0));
            }
            g.deliver();
            g.tick(5);
            // answer the view change as survivors would
            for (Group.Sent s : List.copyOf(g.outside)) {
                if (s.message() instanceof GroupViewMessage.Freeze f) {
                    g.send(s.to(), s.from(), new GroupViewMessage.Frozen(f.number(), f.attempt(), List.of()));
                } else if (s.message() instanceof GroupViewMessage.Settle st) {
                    g.send(s.to(), s.from(), new GroupViewMessage.Settled(st.number(), st.attempt()));
                }
            }
            g.outside.clear();
            g.deliver();
        }
        GroupViewCore inner = innerOf(g.leader());
        assertThat(inner.view().number()).isEqualTo(2);
        assertThat(inner.view().members()).containsExactly(Group.REPLICAS.get(0), Group.REPLICAS.get(1));
        g.restart(old);
        g.tick(50);
        assertCopiesIdentical(g);
    }

    /**
     * A leader that applies entries of earlier terms — here every member restarted, and the new
     * leader replays the log — sends none of their outputs: they answer inputs of the past, whose
     * senders may have restarted since and would take the old answer for a new one.
     */
    @Test
    void aLeaderReplayingEarlierTermsAnswersNothing() {
        Group g = new Group(8, ReplicatedConfig.DEFAULT);
        assertThat(g.awaitLeader(300)).isTrue();
        pingRounds(g, 10, Group.MEMBERS, 0);
        assertThat(g.received(R1)).as("answers before the crash").isNotEmpty();
        long applied = g.leader().appliedIndex();
        for (NodeId m : Group.MEMBERS) g.crash(m);
        g.outside.clear();
        for (NodeId m : Group.MEMBERS) g.restart(m);
        assertThat(g.awaitLeader(300)).isTrue();
        assertThat(g.leader().appliedIndex()).as("the log was replayed").isGreaterThan(applied);
        assertThat(innerOf(g.leader()).view().number()).isEqualTo(1);
        assertThat(g.outside).as("outputs of replayed entries").isEmpty();
        pingRounds(g, 1, Group.MEMBERS, 1);
        assertThat(g.received(R1)).as("new inputs are answered").isNotEmpty();
    }

    @Test
    void aNewLeaderDoesNotResendTheOutputsOfOlderEntries() {
        Group g = new Group(9, ReplicatedConfig.DEFAULT);
        assertThat(g.awaitLeader(300)).isTrue();
        pingRounds(g, 10, Group.MEMBERS, 0);
        assertThat(g.received(R1)).anyMatch(s -> s.message() instanceof GroupViewMessage.Install);
        // every member restarts and replays the log from its disk; the new leader applies it all
        for (NodeId m : Group.MEMBERS) g.crash(m);
        for (NodeId m : Group.MEMBERS) g.restart(m);
        g.outside.clear();
        assertThat(g.awaitLeader(300)).isTrue();
        g.tick(5);
        assertThat(innerOf(g.leader()).view().number()).isEqualTo(1);
        // nobody pinged in this term: any answer or Install would be a replay of an older entry's output
        assertThat(g.outside).noneMatch(s -> s.message() instanceof GroupViewMessage.ViewReply
                || s.message() instanceof GroupViewMessage.Install);
    }

    @Test
    void inputsBeyondTheBufferAreDroppedAndCounted() {
        Group g = new Group(7, ReplicatedConfig.DEFAULT.withBufferedInputsMax(4));
        assertThat(g.awaitLeader(300)).isTrue();
        NodeId leader = g.leader().id();
        // the first starts a batch at once; the next nine arrive while it is in flight: four fit
        for (int i = 0; i < 10; i++) g.send(R1, leader, new GroupViewMessage.GetView());
        g.deliver();
        assertThat(g.leader().droppedInputs()).isEqualTo(5);
        g.tick(5);
        assertThat(g.received(R1).stream().filter(s -> s.message() instanceof GroupViewMessage.ViewReply).count())
                .isEqualTo(5);
    }

    @Test
    void aMemberThatKnowsNoLeaderDropsInputs() {
        Group g = new Group(8, ReplicatedConfig.DEFAULT);
        ReplicatedNode n = g.node(Group.MEMBERS.getFirst());
        g.send(R1, n.id(), new GroupViewMessage.GetView());
        g.deliver();
        assertThat(n.core().leader()).isNull();
        assertThat(n.droppedInputs()).isEqualTo(1);
        assertThat(g.outside).isEmpty();
    }
}
