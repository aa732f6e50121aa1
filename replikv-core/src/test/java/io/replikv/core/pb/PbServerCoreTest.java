package io.replikv.core.pb;

import static io.replikv.core.pb.PbHarness.append;
import static io.replikv.core.pb.PbHarness.get;
import static io.replikv.core.pb.PbHarness.put;
import static io.replikv.core.pb.PbHarness.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Reply;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.viewservice.ViewServiceCore;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Primary/backup flows on the cores, driven by the test pump: writes and reads through the primary
 * and the relay of other servers, the backup's refusals (a forward from a server that is not the
 * primary of its view, a stale view), state transfer (chunked) to a new backup before it counts,
 * a replaced primary that must not answer a Get, an uninitialised server that never serves,
 * at-most-once under message loss, and k = 2 backups. Specs §4.4 for the rules.
 */
class PbServerCoreTest {
    final PbHarness h = new PbHarness();
    final Pump pump = h.pump;
    final ViewServiceCore vs = h.vs;
    static final NodeId VS = PbHarness.VS, S1 = PbHarness.S1, S2 = PbHarness.S2, S3 = PbHarness.S3, C1 = PbHarness.C1;
    static final long SETTLE_TICKS = PbHarness.SETTLE_TICKS;

    /**
     * A late answer to a ping of an earlier life (it answers a view number this life never pinged)
     * is ignored: learning a view from it, a restarted server would ping that number instead of 0,
     * and the view service would never see the restart.
     */
    @Test
    void aRestartedServerIgnoresTheAnswerToAPingOfItsEarlierLife() {
        PbServerCore fresh = new PbServerCore(S3, VS, PbConfig.DEFAULT);
        View stale = new View(4, S1, List.of(S3));
        fresh.onMessage(VS, new io.replikv.core.viewservice.ViewServiceMessage.PingReply(4, stale));
        assertThat(fresh.view().number()).as("an answer to ping 4, which this life never sent").isZero();
        fresh.onMessage(VS, new io.replikv.core.viewservice.ViewServiceMessage.PingReply(0, stale));
        assertThat(fresh.view()).as("the answer to its own ping 0 is taken").isEqualTo(stale);
    }

    @Test
    void writesAndReadsGoThroughThePrimaryAndReachTheBackup() {
        PbServerCore[] s = h.pair();
        PbClientCore c = h.client(C1);
        assertThat(h.call(c, put("a", "1"), 100)).isEqualTo(new Outcome.Ok(Result.WRITTEN));
        assertThat(h.call(c, append("a", "2"), 100)).isEqualTo(new Outcome.Ok(new Result.Length(2)));
        assertThat(value(h.call(c, get("a"), 100))).isEqualTo("12");
        assertThat(value(h.call(c, get("nothing"), 100))).isEqualTo("");
        assertThat(s[1].stateMachine().digest()).isEqualTo(s[0].stateMachine().digest());
        assertThat(s[1].index()).isEqualTo(2);
        assertThat(c.viewServiceRequests()).as("one look-up, then the cached primary").isEqualTo(1);
    }

    @Test
    void aBackupRelaysAClientRequestToThePrimary() {
        h.pair();
        pump.send(C1, S2, new ClientRequest(41, new Request(9, 1, put("k", "v"))));
        pump.deliverAll();
        assertThat(pump.delivered()).anyMatch(m -> m.to().equals(C1)
                && m.message().equals(new ClientReply(41, new Reply.Applied(Result.WRITTEN))));
    }

    @Test
    void aBackupRefusesAForwardFromAServerThatIsNotThePrimaryOfItsView() {
        PbServerCore[] s = h.pair();
        long number = vs.view().number();
        long digest = s[1].stateMachine().digest();
        Request bogus = new Request(5, 1, put("x", "evil"));
        pump.send(S3, S2, new PbMessage.Forward(number, 99, s[1].index() + 1, bogus));
        pump.send(S1, S2, new PbMessage.Forward(number + 1, 100, s[1].index() + 1, bogus));
        pump.send(S3, S2, new PbMessage.StateChunk(number, 101, 0, 1, 0, Bytes.of("junk")));
        pump.deliverAll();
        assertThat(pump.delivered()).anyMatch(m -> m.to().equals(S3) && m.message() instanceof PbMessage.Refused r
                && r.operation() == 99 && r.reason() == PbMessage.Refusal.NOT_PRIMARY && r.heldPrimary().equals(S1));
        assertThat(pump.delivered()).anyMatch(m -> m.message() instanceof PbMessage.Refused r
                && r.operation() == 100 && r.reason() == PbMessage.Refusal.WRONG_VIEW);
        assertThat(pump.delivered()).anyMatch(m -> m.message() instanceof PbMessage.Refused r && r.operation() == 101);
        assertThat(s[1].stateMachine().digest()).isEqualTo(digest);
        assertThat(s[1].synced()).isTrue();
    }

    @Test
    void aNewBackupReceivesTheWholeStateInChunksBeforeItCounts() {
        PbConfig small = PbConfig.DEFAULT.withTransferChunkBytesMax(64);
        PbServerCore s1 = h.server(S1, small);
        pump.tickUntil(() -> h.viewIs(S1), SETTLE_TICKS);
        PbClientCore c = h.client(C1);
        for (int i = 0; i < 30; i++) assertThat(h.call(c, put("key" + i, "value" + i), 100)).isInstanceOf(Outcome.Ok.class);
        assertThat(s1.stateMachine().snapshot().length()).isGreaterThan(64 * 5);
        PbServerCore s2 = h.server(S2, small);
        assertThat(pump.tickUntil(() -> h.viewIs(S1, S2) && s2.synced(), SETTLE_TICKS)).isTrue();
        long chunks = pump.delivered().stream().filter(m -> m.message() instanceof PbMessage.StateChunk).count();
        assertThat(chunks).isGreaterThan(5);
        assertThat(s2.stateMachine().digest()).isEqualTo(s1.stateMachine().digest());
        assertThat(s2.stateMachine().sessions().sameAs(s1.stateMachine().sessions())).isTrue();
        assertThat(h.call(c, append("key0", "+"), 100)).isInstanceOf(Outcome.Ok.class);
        assertThat(s2.stateMachine().digest()).isEqualTo(s1.stateMachine().digest());

        pump.crash(S1);
        assertThat(pump.tickUntil(() -> h.viewIs(S2), SETTLE_TICKS)).isTrue();
        assertThat(value(h.call(c, get("key0"), 300))).isEqualTo("value0+");
        assertThat(value(h.call(c, get("key29"), 300))).isEqualTo("value29");
    }

    @Test
    void aReplacedPrimaryDoesNotAnswerAGetWithAStaleValue() {
        PbServerCore[] s = h.pair();
        PbClientCore c = h.client(C1);
        h.call(c, put("a", "1"), 100);
        pump.cutBetween(S1, VS); // s1 keeps believing it is primary
        assertThat(pump.tickUntil(() -> h.viewIs(S2) && s[1].serving(), SETTLE_TICKS)).isTrue();
        PbClientCore c2 = h.client(NodeId.of("c2"));
        h.call(c2, put("a", "111"), 300);
        assertThat(s[0].view().isPrimary(S1)).as("s1 still holds the old view").isTrue();

        pump.send(C1, S1, new ClientRequest(77, Request.untagged(get("a"))));
        pump.tick(20);
        List<Reply> answers = pump.delivered().stream()
                .filter(m -> m.to().equals(C1) && m.message() instanceof ClientReply r && r.correlation() == 77)
                .map(m -> ((ClientReply) m.message()).reply()).toList();
        assertThat(answers).hasSize(1);
        assertThat(answers.getFirst()).isInstanceOf(Reply.Rejected.class);
        assertThat(((Reply.Rejected) answers.getFirst()).leaderHint()).isEqualTo(S2);
        assertThat(s[0].status().details().get("deposed")).isEqualTo("true");
        assertThat(value(h.call(c, get("a"), 300))).isEqualTo("111");
    }

    @Test
    void anUninitialisedServerNeverServes() {
        PbServerCore[] s = h.pair();
        PbClientCore c = h.client(C1);
        h.call(c, put("1", "v1"), 100);
        pump.crash(S2);
        assertThat(pump.tickUntil(() -> h.viewIs(S1), SETTLE_TICKS)).isTrue();
        pump.crash(S1);
        PbServerCore s3 = h.server(S3);
        pump.tick(100);
        long op = h.nextOperation++;
        c.invoke(op, get("1"));
        pump.tick(300);
        assertThat(pump.completions()).doesNotContainKey(op);
        assertThat(s3.serving()).isFalse();
        assertThat(vs.view().primary()).isNotEqualTo(S3);
        assertThat(s[0].stateMachine().size()).isEqualTo(1);
    }

    @Test
    void appendsApplyExactlyOnceWhenMessagesAreLost() {
        h.pair();
        PbClientCore c = h.client(C1);
        pump.dropRate(0.2);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            assertThat(h.call(c, append("counter", Integer.toString(i)), 5_000)).isInstanceOf(Outcome.Ok.class);
            expected.append(i);
        }
        pump.dropRate(0);
        assertThat(value(h.call(c, get("counter"), 1_000))).isEqualTo(expected.toString());
        PbServerCore s1 = pump.node(S1), s2 = pump.node(S2);
        assertThat(s2.stateMachine().digest()).isEqualTo(s1.stateMachine().digest());
    }

    @Test
    void aPutRightAfterTheBackupDiesCompletesInTheNextView() {
        PbServerCore s1 = h.server(S1);
        pump.tickUntil(() -> h.viewIs(S1), SETTLE_TICKS);
        h.server(S2);
        pump.tickUntil(() -> h.viewIs(S1, S2), SETTLE_TICKS);
        PbServerCore s3 = h.server(S3);
        pump.tick(50);
        PbClientCore c = h.client(C1);
        h.call(c, put("a", "aa"), 100);
        pump.crash(S2);
        assertThat(h.call(c, put("a", "aaa"), 1_000)).isInstanceOf(Outcome.Ok.class);
        assertThat(vs.view().backups()).containsExactly(S3);
        assertThat(pump.tickUntil(s3::synced, 100)).isTrue();
        assertThat(s3.stateMachine().digest()).isEqualTo(s1.stateMachine().digest());
    }

    @Test
    void aNewBackupThatDiesBeforeTheTransferIsReplacedAfterTheBoundedAckWait() {
        PbServerCore s1 = h.server(S1);
        pump.tickUntil(() -> h.viewIs(S1), SETTLE_TICKS);
        PbClientCore c = h.client(C1);
        h.call(c, put("a", "1"), 100);
        pump.cut(m -> m.message() instanceof PbMessage.StateChunk); // the transfer never arrives
        h.server(S2);
        assertThat(pump.tickUntil(() -> vs.view().isBackup(S2), SETTLE_TICKS)).isTrue();
        long viewWithS2 = vs.view().number();
        pump.tick(PbConfig.ACK_WAIT_TICKS_MAX_DEFAULT / 2);
        assertThat(vs.acknowledged()).as("held back while the transfer is unfinished").isFalse();
        pump.crash(S2);
        assertThat(pump.tickUntil(() -> vs.view().number() > viewWithS2 && h.viewIs(S1) && s1.serving(), SETTLE_TICKS))
                .as("view %s", vs.view()).isTrue();
        assertThat(value(h.call(c, get("a"), 100))).isEqualTo("1");
    }

    @Test
    void aBackupPromotedWithoutTheStateNeverServes() {
        PbServerCore s1 = h.server(S1);
        pump.tickUntil(() -> h.viewIs(S1), SETTLE_TICKS);
        PbClientCore c = h.client(C1);
        h.call(c, put("a", "1"), 100);
        pump.cut(m -> m.message() instanceof PbMessage.StateChunk);
        PbServerCore s2 = h.server(S2);
        assertThat(pump.tickUntil(() -> h.viewIs(S1, S2), 2 * PbConfig.ACK_WAIT_TICKS_MAX_DEFAULT)).isTrue();
        assertThat(s2.synced()).isFalse();
        pump.crash(S1); // the acknowledged view lets the service promote s2, which has nothing
        assertThat(pump.tickUntil(() -> S2.equals(vs.view().primary()), SETTLE_TICKS)).isTrue();
        long op = h.nextOperation++;
        c.invoke(op, get("a"));
        pump.tick(500);
        assertThat(pump.completions()).as("answered from an empty state").doesNotContainKey(op);
        assertThat(s2.serving()).isFalse();
        assertThat(vs.acknowledged()).as("the unsynced primary never acknowledges").isFalse();
        assertThat(s1.stateMachine().size()).isEqualTo(1);
    }
}
