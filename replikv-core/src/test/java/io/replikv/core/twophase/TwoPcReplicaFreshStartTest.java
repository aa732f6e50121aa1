package io.replikv.core.twophase;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Effects;
import io.replikv.core.Envelope;
import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.kv.Request;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Reply;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.twophase.GroupViewMessage.Install;
import io.replikv.core.twophase.GroupViewMessage.Ping;
import io.replikv.core.twophase.TwoPcMessage.StateTransfer;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Goal: a 2pc replica tells the group view service truthfully whether its journal is empty (not
 * merely "no claim"), takes a fresh Install only while it holds nothing at all, and ignores one
 * whenever it holds data: an installed view, a replayed journal, or a state transfer — so a late
 * or duplicated fresh Install never lets it skip the state transfer or settlement it needs.
 */
class TwoPcReplicaFreshStartTest {
    private static final NodeId VS = NodeId.of("vs");
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final TwoPcConfig CONFIG = new TwoPcConfig(5, 4, 20, 10, 4, 8, 16, 16);
    private static final GroupView FRESH_VIEW = new GroupView(2, List.of(N1, N2));

    private final MemoryStorage disk = new MemoryStorage();
    private final List<Envelope> sent = new ArrayList<>();
    private TwoPcReplicaCore replica;

    /** Starts (or restarts) n1 on {@link #disk}. */
    private void start() {
        replica = new TwoPcReplicaCore(N1, List.of(N1, N2), VS, CONFIG, new Prng(7), disk);
        sent.clear();
    }

    private void collect() {
        Effects e = replica.drain();
        e.persist().forEach(disk::apply);
        sent.addAll(e.send());
        sent.addAll(e.sendAfterPersist());
    }

    private void deliver(NodeId from, Message m) {
        replica.onMessage(from, m);
        collect();
    }

    private void ticks(int n) {
        for (int i = 0; i < n; i++) {
            replica.onTick();
            collect();
        }
    }

    private Ping lastPing() {
        ticks((int) CONFIG.pingIntervalTicks());
        List<Ping> pings = sent.stream().filter(e -> e.to().equals(VS) && e.message() instanceof Ping)
                .map(e -> (Ping) e.message()).toList();
        assertThat(pings).isNotEmpty();
        return pings.getLast();
    }

    @Test
    void aReplicaWithAnEmptyJournalSaysSoAndTakesAFreshInstall() {
        start();
        Ping empty = lastPing();
        assertThat(empty.viewNumber()).isZero();
        assertThat(empty.recoveredViewNumber()).isZero();
        assertThat(empty.journalEmpty()).isTrue();

        deliver(VS, new Install(FRESH_VIEW, true));
        assertThat(replica.member()).isTrue();
        assertThat(replica.view()).isEqualTo(FRESH_VIEW);
        Ping acknowledging = lastPing();
        assertThat(acknowledging.viewNumber()).isEqualTo(2);
        assertThat(acknowledging.journalEmpty()).isFalse();

        // the install is journaled like any other: after a restart it is a claim of view 2, not an empty journal
        start();
        Ping claim = lastPing();
        assertThat(claim.recoveredViewNumber()).isEqualTo(2);
        assertThat(claim.journalEmpty()).isFalse();
        deliver(VS, new Install(new GroupView(3, List.of(N1, N2)), true));
        assertThat(replica.member()).as("a replayed journal is data").isFalse();
    }

    @Test
    void aFirstInstallWhoseRecordWasLostLeavesAnEmptyJournal() {
        start();
        deliver(VS, new Install(new GroupView(1, List.of(N1, N2))));
        // a torn crash kept the install snapshot (the empty state) but not the install record after it
        MemoryStorage torn = new MemoryStorage();
        torn.apply(new io.replikv.core.storage.PersistOp.SaveSnapshot(disk.snapshots().latest().orElseThrow()));
        replica = new TwoPcReplicaCore(N1, List.of(N1, N2), VS, CONFIG, new Prng(8), torn);
        sent.clear();
        Ping ping = lastPing();
        assertThat(ping.recoveredViewNumber()).isZero();
        assertThat(ping.journalEmpty()).isTrue();
        deliver(VS, new Install(FRESH_VIEW, true));
        assertThat(replica.member()).isTrue();
    }

    @Test
    void aReplicaHoldingDataIgnoresAFreshInstall() {
        start();
        deliver(VS, new Install(new GroupView(1, List.of(N1)))); // the first view, alone: it commits by itself
        deliver(NodeId.of("c1"), new ClientRequest(1, new Request(9, 1, new Command.Put(Bytes.of("k"), Bytes.of("v")))));
        ticks(3);
        assertThat(sent).extracting(Envelope::message).filteredOn(ClientReply.class::isInstance)
                .extracting(m -> ((ClientReply) m).reply()).singleElement().isInstanceOf(Reply.Applied.class);

        deliver(VS, new Install(FRESH_VIEW, true));
        assertThat(replica.view().number()).as("a member ignores a fresh Install").isEqualTo(1);
        assertThat(replica.stateMachine().data()).containsKey(Bytes.of("k"));

        start(); // restarted: it replays view 1 with the write, and is no member
        assertThat(lastPing().journalEmpty()).isFalse();
        deliver(VS, new Install(FRESH_VIEW, true));
        assertThat(replica.member()).isFalse();
        assertThat(replica.stateMachine().data()).containsKey(Bytes.of("k"));
        assertThat(lastPing().recoveredViewNumber()).isEqualTo(1);
    }

    @Test
    void aReplicaThatCaughtUpIsNotEmptyEvenWithoutAClaim() {
        start();
        KvStateMachine state = new KvStateMachine();
        state.apply(new Request(9, 1, new Command.Put(Bytes.of("k"), Bytes.of("v"))));
        deliver(N2, new StateTransfer(2, 1, state.snapshot()));
        Ping caughtUp = lastPing();
        assertThat(caughtUp.recoveredViewNumber()).isZero();
        assertThat(caughtUp.journalEmpty()).isFalse();
        deliver(VS, new Install(new GroupView(3, List.of(N1, N2)), true));
        assertThat(replica.member()).isFalse();

        start(); // its journal holds the transferred state but no installed view: no claim, and not empty
        Ping restarted = lastPing();
        assertThat(restarted.recoveredViewNumber()).isZero();
        assertThat(restarted.journalEmpty()).isFalse();
        deliver(VS, new Install(new GroupView(3, List.of(N1, N2)), true));
        assertThat(replica.member()).isFalse();
    }
}
