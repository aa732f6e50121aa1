package io.replikv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.kv.Fnv1a;
import io.replikv.core.kv.KvLimits;
import io.replikv.core.util.Bytes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Goal: KvClient, driving the pure ClientCore over real loopback TCP, keeps the client contract
 * against RESP test servers: results of every verb, at-most-once retries after a lost reply,
 * discovery and failover through REPLIKV.TOPOLOGY, leader hints, session expiry, and the
 * definite/indefinite split when time runs out. Waits only on the operations' own futures.
 */
class KvClientTest {
    private final FakeCluster cluster = new FakeCluster();
    private KvClient client;

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) client.close();
        cluster.close();
    }

    /** Short ticks and timeouts so retries happen quickly; the operation timeout bounds a broken test. */
    private static ClientOptions options(String... seeds) {
        return ClientOptions.of(seeds)
                .withTick(Duration.ofMillis(1))
                .withAttemptTimeout(Duration.ofMillis(200))
                .withRetryBackoffMax(Duration.ofMillis(16))
                .withOperationTimeout(Duration.ofSeconds(10))
                .withConnectTimeout(Duration.ofMillis(500))
                .withSessions(1)
                .withRandomSeed(42L);
    }

    private FakeServer singleLeader() throws Exception {
        FakeServer n1 = cluster.start("n1");
        cluster.leader = "n1";
        cluster.members("n1");
        return n1;
    }

    @Test
    void everyVerbReturnsTheStateMachinesResult() throws Exception {
        FakeServer n1 = singleLeader();
        client = KvClient.connect(options(n1.address()));

        assertThat(client.get("k")).isEmpty();
        client.put("k", "v");
        assertThat(client.get("k")).contains("v");
        assertThat(client.append("k", "wx")).isEqualTo(3);
        assertThat(client.putHash("h", "a")).isEmpty();
        assertThat(client.putHash("h", "b")).isEqualTo(Long.toString(Fnv1a.hash32(Bytes.EMPTY, Bytes.of("a"))));
        assertThat(client.delete("k")).isTrue();
        assertThat(client.delete("k")).isFalse();
        assertThat(client.getAsync(Bytes.of("k")).get()).isEqualTo(Optional.empty());
        assertThat(client.topology().members()).extracting(Topology.Member::name).containsExactly("n1");

        // writes travel tagged, with the session's sequence numbers; reads travel plain
        assertThat(n1.receivedStartingWith("REPLIKV.REQ")).hasSize(6);
        assertThat(n1.receivedStartingWith("REPLIKV.REQ").getLast()).matches("REPLIKV\\.REQ \\d+ 6 DEL k");
        assertThat(n1.receivedStartingWith("GET")).containsExactly("GET k", "GET k", "GET k");
    }

    @Test
    void binaryKeysAndValuesSurviveTheRoundTrip() throws Exception {
        FakeServer n1 = singleLeader();
        client = KvClient.connect(options(n1.address()));
        Bytes key = Bytes.wrap(new byte[] {0, '\r', '\n', (byte) 0xff});
        Bytes value = Bytes.wrap(new byte[] {'$', '-', '1', '\r', '\n', 0});
        client.put(key, value);
        assertThat(client.get(key)).contains(value);
    }

    @Test
    void aWriteRetriedAfterItsReplyWasLostIsAppliedOnce() throws Exception {
        FakeServer n1 = singleLeader();
        client = KvClient.connect(options(n1.address()));
        n1.dropAfterApply.set(1);

        assertThat(client.append("k", "x")).isEqualTo(1); // the recorded reply, not a second append's 2
        assertThat(n1.value("k")).isEqualTo("x");
        assertThat(n1.core.stateMachine().appliedCount()).isEqualTo(1);
        List<String> attempts = n1.receivedStartingWith("REPLIKV.REQ");
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(1)).isEqualTo(attempts.get(0)); // same client id and sequence number
    }

    @Test
    void failsOverFromADeadSeedToMembersLearnedFromTheTopology() throws Exception {
        String dead = FakeCluster.deadAddress();
        FakeServer n2 = cluster.start("n2");
        FakeServer n3 = cluster.start("n3");
        cluster.leader = "n3";
        cluster.members("n1@" + dead, "n2", "n3");
        n2.followerOf = "n3";
        // n3 is not a seed: only the topology names it. With random seed 42 the four sessions start
        // at n2, n2, n1 (dead: refused connections) and n3, so both failover paths are taken.
        client = KvClient.connect(options(dead, n2.address()).withSessions(4));

        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 8; i++) writes.add(client.putAsync(Bytes.of("k" + i), Bytes.of("v" + i)));
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();

        for (int i = 0; i < 8; i++) assertThat(n3.value("k" + i)).isEqualTo("v" + i);
        assertThat(n2.core.stateMachine().size()).isZero();
        assertThat(client.topology().members()).extracting(Topology.Member::name).containsExactly("n1", "n2", "n3");
    }

    @Test
    void aLeaderHintNamingAnUnknownServerRefreshesTheTopologyAndIsFollowed() throws Exception {
        FakeServer n1 = singleLeader();
        client = KvClient.connect(options(n1.address()));
        client.put("before", "1");

        // n4 joins and takes over; the client only knows n1, which now points at n4
        FakeServer n4 = cluster.start("n4");
        cluster.leader = "n4";
        cluster.members("n1", "n4");
        n1.followerOf = "n4";

        client.put("after", "2");
        assertThat(n4.value("after")).isEqualTo("2");
        assertThat(n1.value("after")).isNull();
        assertThat(n1.receivedStartingWith("REPLIKV.TOPOLOGY")).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void anExpiredSessionIsReplacedByANewOneNumberedFromOne() throws Exception {
        FakeServer n1 = singleLeader();
        client = KvClient.connect(options(n1.address()));
        client.put("a", "1");
        n1.expireSessions.set(1);
        client.put("b", "2");

        List<String[]> tagged = n1.receivedStartingWith("REPLIKV.REQ").stream().map(c -> c.split(" ")).toList();
        assertThat(tagged).hasSize(3);
        assertThat(tagged.get(0)[2]).isEqualTo("1");
        assertThat(tagged.get(1)[1]).isEqualTo(tagged.get(0)[1]); // the old session's second request, refused
        assertThat(tagged.get(1)[2]).isEqualTo("2");
        assertThat(tagged.get(2)[1]).isNotEqualTo(tagged.get(0)[1]); // a new client id ...
        assertThat(tagged.get(2)[2]).isEqualTo("1");                 // ... numbering from 1
        assertThat(n1.value("b")).isEqualTo("2");
    }

    @Test
    void aReadThatTimesOutCertainlyDidNothing() throws Exception {
        FakeServer n1 = singleLeader();
        client = KvClient.connect(options(n1.address()).withOperationTimeout(Duration.ofMillis(300)).withAttemptTimeout(Duration.ofMillis(50)));
        n1.silent = true;
        assertThatThrownBy(() -> client.get("k"))
                .isInstanceOfSatisfying(NotAppliedException.class, e -> assertThat(e.code()).isEqualTo("TIMEOUT"));
    }

    @Test
    void aWriteWhoseAttemptWentUnansweredTimesOutUnknown() throws Exception {
        FakeServer n1 = singleLeader();
        client = KvClient.connect(options(n1.address()).withOperationTimeout(Duration.ofMillis(300)).withAttemptTimeout(Duration.ofMillis(50)));
        n1.silent = true;
        assertThatThrownBy(() -> client.put("k", "v")).isInstanceOf(UnknownOutcomeException.class);
    }

    @Test
    void oversizedKeysAreBadRequestsAndNeverSent() throws Exception {
        FakeServer n1 = singleLeader();
        client = KvClient.connect(options(n1.address()));
        String key = "k".repeat(KvLimits.KEY_BYTES_MAX + 1);
        assertThatThrownBy(() -> client.put(key, "v"))
                .isInstanceOfSatisfying(NotAppliedException.class, e -> assertThat(e.code()).isEqualTo("BAD_REQUEST"));
        assertThat(n1.receivedStartingWith("REPLIKV.REQ")).isEmpty();
    }

    @Test
    void anAppendBeyondTheValueLimitIsRefusedDefinitely() throws Exception {
        FakeServer n1 = singleLeader();
        client = KvClient.connect(options(n1.address()));
        client.put(Bytes.of("big"), Bytes.wrap(new byte[KvLimits.VALUE_BYTES_MAX]));
        assertThatThrownBy(() -> client.append("big", "x"))
                .isInstanceOfSatisfying(NotAppliedException.class, e -> assertThat(e.code()).isEqualTo("REFUSED"));
        assertThat(client.get(Bytes.of("big")).orElseThrow().length()).isEqualTo(KvLimits.VALUE_BYTES_MAX);
    }

    @Test
    void connectFailsDefinitelyWhenNoSeedAnswers() throws Exception {
        String dead = FakeCluster.deadAddress();
        assertThatThrownBy(() -> KvClient.connect(options(dead)))
                .isInstanceOfSatisfying(NotAppliedException.class, e -> assertThat(e.code()).isEqualTo("NO_SERVER"));
    }

    @Test
    void closingFailsQueuedOperationsAsNotApplied() throws Exception {
        FakeServer n1 = singleLeader();
        client = KvClient.connect(options(n1.address()).withOperationTimeout(Duration.ZERO));
        n1.silent = true;
        CompletableFuture<Void> inFlight = client.putAsync(Bytes.of("a"), Bytes.of("1"));
        CompletableFuture<Void> queued = client.putAsync(Bytes.of("b"), Bytes.of("2"));
        client.close();
        client = null;
        assertThat(inFlight).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause().isInstanceOf(UnknownOutcomeException.class);
        assertThat(queued).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause().isInstanceOf(NotAppliedException.class);
    }
}
