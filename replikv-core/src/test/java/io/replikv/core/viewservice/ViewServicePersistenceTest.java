package io.replikv.core.viewservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Effects;
import io.replikv.core.Envelope;
import io.replikv.core.NodeId;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.storage.PersistOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pb view service's durability: it persists every new view (and its acknowledgement) before
 * a reply showing it leaves, a restarted service resumes with its view, and after every server
 * restarted too it makes primary only a server whose claim qualifies, saying until then whom it
 * waits for.
 */
class ViewServicePersistenceTest {
    static final NodeId VS = NodeId.of("vs"), S1 = NodeId.of("s1"), S2 = NodeId.of("s2"), S3 = NodeId.of("s3");
    final MemoryStorage disk = new MemoryStorage();
    ViewServiceCore vs = new ViewServiceCore(VS, ViewServiceConfig.DEFAULT, disk);

    /** Applies the effects' persist ops to the disk (as a shell does) and returns the reply. */
    private ViewServiceMessage.PingReply ping(NodeId from, ViewServiceMessage.Ping ping) {
        vs.onMessage(from, ping);
        Effects e = vs.drain();
        for (PersistOp op : e.persist()) disk.apply(op);
        assertThat(e.send()).as("replies wait for the disk").isEmpty();
        List<Envelope> replies = e.sendAfterPersist();
        assertThat(replies).hasSize(1);
        return (ViewServiceMessage.PingReply) replies.getFirst().message();
    }

    private View ping(NodeId from, long number) {
        return ping(from, new ViewServiceMessage.Ping(number)).view();
    }

    private void tick(long ticks) {
        for (long i = 0; i < ticks; i++) {
            vs.onTick();
            for (PersistOp op : vs.drain().persist()) disk.apply(op);
        }
    }

    /** s1 primary, s2 backup, acknowledged: view 2. */
    private void twoServers() {
        assertThat(ping(S1, 0).number()).isEqualTo(1);
        ping(S2, 0);
        ping(S1, 1);
        assertThat(ping(S2, 1)).isEqualTo(new View(2, S1, List.of(S2)));
        ping(S1, 2);
        assertThat(vs.acknowledged()).isTrue();
    }

    /**
     * A server that restarted with a claim and idles, pinging 0 with it, is made the backup; its
     * next ping 0 with the same claim (sent before it learned the view) is no new restart — only a
     * different claim, or a 0 after a nonzero ping, is (swarm seed 601533: the synced backup was
     * taken for restarted, and when the primary lost its disk the view was stuck for good).
     */
    @Test
    void theSameClaimAgainIsNoNewRestartButANewClaimIs() {
        twoServers();
        ViewServiceMessage.Ping idle = new ViewServiceMessage.Ping(0, 1, 5); // s3 restarted earlier, idle with its claim
        long interval = ViewServiceConfig.DEFAULT.pingIntervalTicks();
        for (long t = 0; t <= ViewServiceConfig.DEFAULT.deadTicks(); t += interval) { // s2 falls silent and dies
            tick(interval);
            ping(S1, 2);
            ping(S3, idle);
        }
        assertThat(vs.view()).as("s3 is taken as the backup").isEqualTo(new View(3, S1, List.of(S3)));
        assertThat(ping(S3, idle).view()).as("a ping sent before it learned view 3").isEqualTo(new View(3, S1, List.of(S3)));
        assertThat(vs.status().details().get("restarted")).as("the ping it sent before it learned view 3").isEqualTo("[]");
        ping(S3, new ViewServiceMessage.Ping(0, 3, 9)); // a new life: it had learned view 3 and synced in it
        assertThat(vs.status().details().get("restarted")).isEqualTo("[" + S3 + "]");
    }

    @Test
    void aNewViewIsPersistedBeforeTheReplyThatShowsIt() {
        vs.onMessage(S1, new ViewServiceMessage.Ping(0));
        Effects e = vs.drain();
        assertThat(e.persist()).hasSize(1);
        assertThat(e.sendAfterPersist()).hasSize(1);
        ViewServiceState state = ViewServiceState.decode(((PersistOp.PutStable) e.persist().getFirst()).value());
        assertThat(state.view()).isEqualTo(View.first(S1));
    }

    @Test
    void aRestartedServiceResumesWithItsViewAndPrimary() {
        twoServers();
        vs = new ViewServiceCore(VS, ViewServiceConfig.DEFAULT, disk);
        assertThat(vs.view()).isEqualTo(new View(2, S1, List.of(S2)));
        assertThat(vs.previousView()).isEqualTo(View.first(S1));
        assertThat(vs.acknowledged()).isTrue();
        tick(3);
        assertThat(ping(S1, 2)).isEqualTo(new View(2, S1, List.of(S2)));
        assertThat(ping(S2, 2).number()).isEqualTo(2);
        for (int i = 0; i < 10; i++) {
            tick(10);
            ping(S1, 2);
            assertThat(ping(S2, 2).number()).as("both ping: no view spent").isEqualTo(2);
        }
    }

    @Test
    void afterEveryServerRestartedOnlyAQualifyingClaimResumes() {
        twoServers();
        ping(S3, 0); // idle
        vs = new ViewServiceCore(VS, ViewServiceConfig.DEFAULT, disk);
        // s3 never held the state: a ping without a claim
        ping(S3, new ViewServiceMessage.Ping(0));
        // s2 restarted with a claim of an older view: not good enough
        ping(S2, new ViewServiceMessage.Ping(0, 1, 0));
        tick(ViewServiceConfig.DEFAULT.deadTicks() + 1);
        ping(S3, 0);
        ping(S2, new ViewServiceMessage.Ping(0, 1, 0));
        assertThat(vs.view().number()).isEqualTo(2);
        assertThat(vs.waitingFor()).isEqualTo("s1 or s2 (members of view 2) to return with their data");
        assertThat(vs.status().details()).containsEntry("waitingFor", vs.waitingFor());
        // s1 returns with its disk: synced member of view 2 at index 12
        ViewServiceMessage.PingReply reply = ping(S1, new ViewServiceMessage.Ping(0, 2, 12));
        assertThat(reply.view()).isEqualTo(new View(3, S1, List.of()));
        assertThat(reply.fromRecoveredData()).isTrue();
        assertThat(ping(S2, new ViewServiceMessage.Ping(0, 1, 0)).fromRecoveredData()).isFalse();
        assertThat(vs.waitingFor()).isNull();
        // a lost reply: the same claim again is the same server, not another restart
        assertThat(ping(S1, new ViewServiceMessage.Ping(0, 2, 12))).isEqualTo(reply);
        assertThat(vs.view().number()).isEqualTo(3);
        ping(S1, 3);
        assertThat(ping(S2, 0).backups()).as("the others rejoin as new backups").containsExactly(S2);
    }

    /**
     * A backup restarts while its view waits for the primary's acknowledgement, so the view cannot
     * change yet; it learns the view from the answer and pings its number from then on. The
     * service restarts (a compaction of a replicated one does so every N entries) before the
     * acknowledgement: it must still know that the backup lost its state, and drop it when the
     * view can change, rather than keep it and promote it later (a primary without the state,
     * which never acknowledges: the service would wait for good).
     */
    @Test
    void aRestartSeenBeforeTheAcknowledgementSurvivesARestartOfTheService() {
        assertThat(ping(S1, 0).number()).isEqualTo(1);
        ping(S1, 1);
        assertThat(ping(S2, 0)).isEqualTo(new View(2, S1, List.of(S2)));
        ping(S2, 2);
        assertThat(ping(S2, 0).number()).as("a restart: the view cannot change before the acknowledgement").isEqualTo(2);
        ping(S2, 2); // it learned the view again
        vs = new ViewServiceCore(VS, ViewServiceConfig.DEFAULT, disk);
        ping(S2, 2);
        assertThat(ping(S1, 2)).as("the acknowledgement: the restarted backup is dropped").isEqualTo(new View(3, S1, List.of()));
        assertThat(ping(S2, 2).backups()).as("it comes back as a new backup, with a state transfer").isEmpty();
        ping(S1, 3);
        assertThat(ping(S2, 2)).isEqualTo(new View(4, S1, List.of(S2)));
    }

    @Test
    void aStateWithoutRestartsIsStillRead() {
        twoServers();
        ViewServiceState now = ViewServiceState.decode(disk.stable().get(ViewServiceState.KEY).orElseThrow());
        byte[] v2 = now.encode().toByteArray();
        // format 1 is format 2 without the trailing count of restarted members (here 0)
        byte[] v1 = java.util.Arrays.copyOf(v2, v2.length - 1);
        v1[0] = 1;
        assertThat(ViewServiceState.decode(io.replikv.core.util.Bytes.wrap(v1))).isEqualTo(now);
    }

    @Test
    void theVouchSurvivesARestartOfTheServiceToo() {
        twoServers();
        vs = new ViewServiceCore(VS, ViewServiceConfig.DEFAULT, disk);
        ping(S2, new ViewServiceMessage.Ping(0, 1, 0)); // a backup whose claim is too old
        ViewServiceMessage.PingReply reply = ping(S1, new ViewServiceMessage.Ping(0, 1, 5));
        assertThat(reply.view()).isEqualTo(new View(3, S1, List.of()));
        vs = new ViewServiceCore(VS, ViewServiceConfig.DEFAULT, disk);
        // s1 still never learned view 3: its claim of view 1 is the one view 3 was made from
        assertThat(ping(S1, new ViewServiceMessage.Ping(0, 1, 5))).isEqualTo(reply);
    }
}
