package io.replikv.core.twophase;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Effects;
import io.replikv.core.Envelope;
import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.twophase.GroupViewMessage.CaughtUp;
import io.replikv.core.twophase.GroupViewMessage.Freeze;
import io.replikv.core.twophase.GroupViewMessage.Frozen;
import io.replikv.core.twophase.GroupViewMessage.Install;
import io.replikv.core.twophase.GroupViewMessage.Ping;
import io.replikv.core.twophase.GroupViewMessage.Settle;
import io.replikv.core.twophase.GroupViewMessage.SettleAnswer;
import io.replikv.core.twophase.GroupViewMessage.SettleQuery;
import io.replikv.core.twophase.GroupViewMessage.Settled;
import io.replikv.core.twophase.GroupViewMessage.ViewReply;
import io.replikv.core.util.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Goal: the group view service's succession rules, driven message by message: the first view
 * holds the replicas that pinged; a silent or restarted member is dropped only through freeze →
 * (query) → settle → install; settlement commits exactly what a survivor reported committed; a
 * joiner enters only after it caught up from the current attempt; no change starts before every
 * live member acknowledged the view; leases are refused to a member being dropped; the view and
 * attempt counter survive a restart of the service, and are durable before Install leaves; a
 * group whose every member of view 1 came back with an empty journal starts afresh with view 2,
 * never when any member has a claim or a journal, nor from a view reached by a view change.
 */
class GroupViewCoreTest {
    private static final NodeId VS = NodeId.of("vs");
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");
    private static final List<NodeId> ALL = List.of(N1, N2, N3);
    private static final TwoPcConfig CONFIG = new TwoPcConfig(5, 4, 20, 10, 4, 8, 16, 16);

    private final MemoryStorage disk = new MemoryStorage();
    private GroupViewCore vs = new GroupViewCore(VS, ALL, CONFIG, disk);
    private final List<Envelope> sent = new ArrayList<>();

    private void collect() {
        Effects e = vs.drain();
        e.persist().forEach(disk::apply);
        sent.addAll(e.send());
        sent.addAll(e.sendAfterPersist());
    }

    private void deliver(NodeId from, Message m) {
        vs.onMessage(from, m);
        collect();
    }

    private void ticks(int n, List<NodeId> pinging, long view) {
        for (int i = 0; i < n; i++) {
            vs.onTick();
            collect();
            for (NodeId p : pinging) deliver(p, new Ping(view, p.name().hashCode(), 0));
        }
    }

    private <T extends Message> List<T> sentOf(Class<T> type, NodeId to) {
        return sent.stream().filter(e -> e.to().equals(to) && type.isInstance(e.message()))
                .map(e -> type.cast(e.message())).toList();
    }

    private <T extends Message> T last(Class<T> type, NodeId to) {
        List<T> all = sentOf(type, to);
        assertThat(all).as("%s sent to %s", type.getSimpleName(), to).isNotEmpty();
        return all.get(all.size() - 1);
    }

    /** View 1 with all three, acknowledged by all. */
    private void formFirstView() {
        ticks(1, ALL, 0);
        ticks(1, ALL, 0);
        assertThat(vs.view()).isEqualTo(new GroupView(1, ALL));
        for (NodeId n : ALL) assertThat(last(Install.class, n).view()).isEqualTo(vs.view());
        ticks(1, ALL, 1);
        sent.clear();
    }

    /** Drops n3 (silent) through a change without undecided transactions. */
    private void dropN3() {
        ticks(25, List.of(N1, N2), 1);
        Freeze f = last(Freeze.class, N1);
        assertThat(f.number()).isEqualTo(2);
        assertThat(sentOf(Freeze.class, N3)).isEmpty();
        deliver(N1, new Frozen(2, f.attempt(), List.of()));
        deliver(N2, new Frozen(2, f.attempt(), List.of()));
        Settle s = last(Settle.class, N2);
        assertThat(s.commits()).isEmpty();
        deliver(N1, new Settled(2, f.attempt()));
        deliver(N2, new Settled(2, f.attempt()));
        assertThat(vs.view()).isEqualTo(new GroupView(2, List.of(N1, N2)));
        ticks(1, List.of(N1, N2), 2);
        sent.clear();
    }

    @Test
    void theFirstViewHoldsTheReplicasThatPinged() {
        ticks(1, List.of(N1, N2), 0);
        assertThat(vs.view().number()).isZero(); // waits for n3 up to one dead interval
        ticks(20, List.of(N1, N2), 0);
        assertThat(vs.view()).isEqualTo(new GroupView(1, List.of(N1, N2)));
    }

    @Test
    void anyoneCanAskForTheViewAndStrangersGetNoLease() {
        formFirstView();
        NodeId asker = NodeId.of("c9");
        deliver(asker, new GroupViewMessage.GetView());
        assertThat(last(ViewReply.class, asker)).isEqualTo(new ViewReply(new GroupView(1, ALL), 0, false));
        deliver(asker, new Ping(1, 5, 3));
        assertThat(last(ViewReply.class, asker).lease()).isFalse();
        assertThat(vs.status().members()).containsExactlyElementsOf(ALL);
        assertThat(vs.status().epoch()).isEqualTo(1);
    }

    @Test
    void aSilentMemberIsDroppedThroughFreezeSettleInstall() {
        formFirstView();
        ticks(10, List.of(N1, N2), 1);
        assertThat(sentOf(Freeze.class, N1)).as("not dead yet").isEmpty();
        dropN3();
        assertThat(vs.status().details()).containsEntry("viewChanges", "2");
    }

    @Test
    void settlementCommitsExactlyWhatASurvivorCommitted() {
        formFirstView();
        ticks(25, List.of(N1, N2), 1);
        Freeze f = last(Freeze.class, N1);
        TxnId committed = new TxnId(1, N3, 1);
        TxnId undecided = new TxnId(1, N3, 2);
        deliver(N1, new Frozen(2, f.attempt(), List.of(new TxnKey(committed, Bytes.of("a")))));
        deliver(N2, new Frozen(2, f.attempt(), List.of(new TxnKey(undecided, Bytes.of("b")))));
        SettleQuery q = last(SettleQuery.class, N1);
        assertThat(q.txns()).extracting(TxnKey::txn).containsExactly(committed, undecided);
        deliver(N1, new SettleAnswer(2, f.attempt(), List.of()));
        assertThat(sentOf(Settle.class, N1)).isEmpty();
        deliver(N2, new SettleAnswer(2, f.attempt() + 1, List.of(new CommitDecision(undecided, 3)))); // stale attempt: ignored
        deliver(N2, new SettleAnswer(2, f.attempt(), List.of(new CommitDecision(committed, 7))));
        assertThat(last(Settle.class, N1).commits()).containsExactly(new CommitDecision(committed, 7));
    }

    @Test
    void aJoinerEntersOnlyAfterCatchingUpFromTheCurrentAttempt() {
        formFirstView();
        dropN3();
        ticks(1, List.of(N1, N2), 2);
        deliver(N3, new Ping(0, 99, 0));
        ticks(1, List.of(N1, N2), 2);
        Freeze f = last(Freeze.class, N1);
        assertThat(f.number()).isEqualTo(3);
        deliver(N1, new Frozen(3, f.attempt(), List.of()));
        deliver(N2, new Frozen(3, f.attempt(), List.of()));
        Settle s = last(Settle.class, N1);
        assertThat(s.joiners()).containsExactly(N3);
        assertThat(s.source()).isEqualTo(N1);
        deliver(N1, new Settled(3, f.attempt()));
        deliver(N2, new Settled(3, f.attempt()));
        assertThat(vs.view().number()).isEqualTo(2);
        deliver(N3, new CaughtUp(3, f.attempt() - 1, 99));
        assertThat(vs.view().number()).isEqualTo(2);
        deliver(N3, new CaughtUp(3, f.attempt(), 99));
        assertThat(vs.view()).isEqualTo(new GroupView(3, ALL));
        assertThat(last(Install.class, N3).view()).isEqualTo(vs.view());
    }

    @Test
    void anAbandonedChangeIsFinishedEvenWhenTheMembershipLooksUnchanged() {
        formFirstView();
        ticks(25, List.of(N1, N2), 1); // n3 silent: change to view 2 with n1, n2
        long first = last(Freeze.class, N1).attempt();
        ticks(25, List.of(), 1); // n1 and n2 fall silent too: nobody left to finish it
        sent.clear();
        ticks(3, ALL, 1); // everyone is back; n1 and n2 may be frozen
        Freeze f = last(Freeze.class, N1);
        assertThat(f.number()).isEqualTo(2);
        assertThat(f.attempt()).isGreaterThan(first);
        for (NodeId n : ALL) deliver(n, new Frozen(2, f.attempt(), List.of()));
        for (NodeId n : ALL) deliver(n, new Settled(2, f.attempt()));
        assertThat(vs.view()).isEqualTo(new GroupView(2, ALL));
    }

    @Test
    void aRestartedMemberIsDroppedAndRefusedALease() {
        formFirstView();
        deliver(N2, new Ping(0, 12345, 7)); // a new incarnation
        assertThat(last(ViewReply.class, N2).lease()).isFalse();
        assertThat(last(ViewReply.class, N2).pingTick()).isEqualTo(7);
        vs.onTick();
        collect();
        assertThat(sentOf(Freeze.class, N1)).isNotEmpty();
        assertThat(sentOf(Freeze.class, N2)).isEmpty();
        deliver(N1, new Ping(1, N1.name().hashCode(), 8));
        assertThat(last(ViewReply.class, N1).lease()).isTrue();
        // the restarted n2 joins in the same change: it gets the settled state
        Freeze f = last(Freeze.class, N1);
        deliver(N1, new Frozen(2, f.attempt(), List.of()));
        deliver(N3, new Frozen(2, f.attempt(), List.of()));
        assertThat(last(Settle.class, N1).joiners()).containsExactly(N2);
    }

    @Test
    void noChangeStartsBeforeEveryLiveMemberAcknowledgedTheView() {
        ticks(1, ALL, 0);
        ticks(1, ALL, 0);
        // n1 and n2 acknowledge view 1, n3 keeps pinging 0 (it missed the Install: resent each time)
        sent.clear();
        for (int i = 0; i < 25; i++) {
            vs.onTick();
            collect();
            deliver(N1, new Ping(1, N1.name().hashCode(), 0));
            deliver(N3, new Ping(0, N3.name().hashCode(), 0));
        }
        assertThat(sentOf(Install.class, N3)).hasSizeGreaterThan(1);
        assertThat(sentOf(Freeze.class, N1)).as("n2 died but n3 has not acknowledged view 1").isEmpty();
        deliver(N3, new Ping(1, N3.name().hashCode(), 0));
        vs.onTick();
        collect();
        assertThat(last(Freeze.class, N3).number()).isEqualTo(2);
    }

    @Test
    void aRestartedServiceContinuesTheNumberingAndPersistsBeforeInstall() {
        vs.onTick();
        for (NodeId n : ALL) vs.onMessage(n, new Ping(0, n.name().hashCode(), 0));
        vs.onTick();
        Effects e = vs.drain();
        assertThat(e.persist()).isNotEmpty();
        // every message showing the view waits for persistence: the Installs, and the ping replies too
        assertThat(e.sendAfterPersist()).extracting(Envelope::message).filteredOn(Install.class::isInstance).hasSize(3);
        assertThat(e.send()).isEmpty();
        e.persist().forEach(disk::apply);
        ticks(1, ALL, 1);
        ticks(25, List.of(N1, N2), 1);
        long attempt = last(Freeze.class, N1).attempt();

        vs = new GroupViewCore(VS, ALL, CONFIG, disk);
        sent.clear();
        assertThat(vs.view()).isEqualTo(new GroupView(1, ALL));
        ticks(10, List.of(N1, N2), 1);
        assertThat(sentOf(Freeze.class, N1)).as("everyone counts as alive for a dead interval").isEmpty();
        ticks(20, List.of(N1, N2), 1);
        Freeze again = last(Freeze.class, N1);
        assertThat(again.number()).isEqualTo(2);
        assertThat(again.attempt()).isGreaterThan(attempt);
    }

    /** Every member of view 1 pings as a new incarnation; {@code claims} maps a member to its claim, the rest ping empty journals. */
    private void restartedPings(List<NodeId> pinging, Map<NodeId, Long> claims, int times) {
        for (int i = 0; i < times; i++) {
            vs.onTick();
            collect();
            for (NodeId p : pinging) {
                long claim = claims.getOrDefault(p, 0L);
                boolean empty = !claims.containsKey(p);
                deliver(p, new Ping(0, 1000 + p.name().hashCode(), 0, claim, empty));
            }
        }
    }

    @Test
    void everyMemberOfViewOneBackWithAnEmptyJournalStartsTheGroupAfresh() {
        formFirstView();
        ticks(25, List.of(), 1); // everyone crashed before journaling view 1
        assertThat(vs.waitingFor()).isEqualTo("n1, n2 or n3 (members of view 1) to return with their journals,"
                + " or all of them with empty journals to start the group afresh");
        restartedPings(List.of(N1, N2), Map.of(), 30);
        assertThat(vs.view()).as("n3 may hold view 1's writes").isEqualTo(new GroupView(1, ALL));
        assertThat(vs.waitingFor()).isEqualTo("n3 (members of view 1) to return with a journal of view 1,"
                + " or n3 with empty journals like n1 and n2 to start the group afresh");
        assertThat(sentOf(Install.class, N1)).isEmpty();

        restartedPings(ALL, Map.of(), 2);
        assertThat(vs.view()).isEqualTo(new GroupView(2, ALL));
        for (NodeId n : ALL) assertThat(last(Install.class, n)).isEqualTo(new Install(vs.view(), true));
        assertThat(sentOf(Freeze.class, N1)).as("nothing to settle").isEmpty();
        assertThat(vs.status().details()).containsEntry("freshStarts", "1").containsEntry("viewsRecovered", "0");
        assertThat(vs.waitingFor()).isNull();

        // durable before anything showed it: a restarted service resends the fresh Install to a member that missed it
        vs = new GroupViewCore(VS, ALL, CONFIG, disk);
        sent.clear();
        deliver(N2, new Ping(0, 1000 + N2.name().hashCode(), 0, 0, true));
        assertThat(last(Install.class, N2)).isEqualTo(new Install(new GroupView(2, ALL), true));
        // once a member acknowledged it, the view goes on as any other
        restartedPings(List.of(), Map.of(), 1);
        for (NodeId n : ALL) deliver(n, new Ping(2, 1000 + n.name().hashCode(), 0));
        assertThat(last(ViewReply.class, N1).lease()).isTrue();
    }

    @Test
    void aRealClaimOfViewOneWinsOverMembersBackEmpty() {
        formFirstView();
        ticks(25, List.of(), 1);
        // n2 and n3 come back wiped (empty journals), n1 with its journal of view 1
        restartedPings(ALL, Map.of(N1, 1L), 25);
        assertThat(vs.status().details()).containsEntry("freshStarts", "0").containsEntry("viewsRecovered", "1");
        assertThat(sentOf(Install.class, N2)).isEmpty();
        Freeze f = last(Freeze.class, N1);
        assertThat(f.number()).isEqualTo(2);
        assertThat(sentOf(Freeze.class, N2)).isEmpty();
        deliver(N1, new Frozen(2, f.attempt(), List.of()));
        assertThat(last(Settle.class, N1).joiners()).as("they take n1's state").containsExactly(N2, N3);
    }

    @Test
    void aMemberBackWithoutAClaimButWithAJournalBlocksAFreshStart() {
        formFirstView();
        ticks(25, List.of(), 1);
        // n1 pings no claim and a journal that is not empty (say, records of no installed view)
        for (int i = 0; i < 30; i++) {
            vs.onTick();
            collect();
            deliver(N1, new Ping(0, 1001, 0, 0, false));
            deliver(N2, new Ping(0, 1002, 0, 0, true));
            deliver(N3, new Ping(0, 1003, 0, 0, true));
        }
        assertThat(vs.view()).isEqualTo(new GroupView(1, ALL));
        assertThat(sentOf(Install.class, N2)).isEmpty();
        assertThat(vs.waitingFor()).startsWith("n1 (members of view 1)");
    }

    @Test
    void aFreshViewLostBeforeAnyMemberJournaledItStartsAfreshAgain() {
        formFirstView();
        ticks(25, List.of(), 1);
        restartedPings(ALL, Map.of(), 2);
        assertThat(vs.view()).isEqualTo(new GroupView(2, ALL));
        vs = new GroupViewCore(VS, ALL, CONFIG, disk); // the service crashed too: the view is fresh on disk
        ticks(25, List.of(), 2);
        for (int i = 0; i < 2; i++) {
            vs.onTick();
            collect();
            for (NodeId n : ALL) deliver(n, new Ping(0, 2000 + n.name().hashCode(), 0, 0, true));
        }
        assertThat(vs.view()).isEqualTo(new GroupView(3, ALL));
        assertThat(last(Install.class, N3)).isEqualTo(new Install(vs.view(), true));
    }

    @Test
    void aFreshStartIsOnlyForViewsWhoseMembersStartedEmpty() {
        formFirstView();
        dropN3();
        ticks(25, List.of(), 2);
        restartedPings(ALL, Map.of(), 30);
        assertThat(vs.view()).as("view 2 may hold writes: only journals of it resume the group")
                .isEqualTo(new GroupView(2, List.of(N1, N2)));
        assertThat(sentOf(Install.class, N1)).isEmpty();
        assertThat(vs.waitingFor()).isEqualTo("n1 or n2 (members of view 2) to return with their journals");
    }
}
