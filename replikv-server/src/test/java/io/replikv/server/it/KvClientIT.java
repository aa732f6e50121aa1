package io.replikv.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.client.ClientOptions;
import io.replikv.client.KvClient;
import io.replikv.client.NotAppliedException;
import io.replikv.core.kv.KvLimits;
import io.replikv.core.util.Bytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;

/**
 * Goal: the project's own Java client against a real server process: discovery from one seed,
 * every operation's result, concurrent sessions appending to one key without loss or duplicates,
 * and definite errors for requests beyond the limits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KvClientIT {
    private ServerProcess.Started server;
    private KvClient client;

    @BeforeAll
    void start() throws Exception {
        Path data = Files.createTempDirectory("replikv-kvclient-it");
        server = ServerProcess.startSingle(data.resolve("n1"));
        // generous timeouts: the machine running the suite may be loaded, and a cold JVM answers slowly
        client = KvClient.connect(ClientOptions.of("127.0.0.1:" + server.clientPort()).withSessions(8)
                .withConnectTimeout(java.time.Duration.ofSeconds(15)).withAttemptTimeout(java.time.Duration.ofSeconds(5))
                .withOperationTimeout(java.time.Duration.ofSeconds(60)));
    }

    @AfterAll
    void stop() {
        if (client != null) client.close();
        if (server != null) server.process().close();
    }

    @Test
    void discoversTheServerAndRunsEveryOperation() throws Exception {
        assertThat(client.topology().mode()).isEqualTo("single");
        assertThat(client.get("kc:a")).isEmpty();
        client.put("kc:a", "v1");
        assertThat(client.get("kc:a")).contains("v1");
        assertThat(client.append("kc:a", "+")).isEqualTo(3);
        assertThat(client.putHash("kc:h", "0")).isEqualTo("");
        assertThat(client.get("kc:h")).contains("890022063");
        assertThat(client.delete("kc:a")).isTrue();
        assertThat(client.delete("kc:a")).isFalse();
    }

    @Test
    void concurrentAppendsThroughManySessionsEachApplyExactlyOnce() throws Exception {
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            futures.add(client.appendAsync(Bytes.of("kc:log"), Bytes.of("x" + i + ";")));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        String log;
        try (Jedis j = new Jedis("127.0.0.1", server.clientPort())) {
            log = j.get("kc:log");
        }
        String[] parts = log.split(";");
        assertThat(parts).hasSize(400);
        assertThat(List.of(parts)).doesNotHaveDuplicates();
    }

    @Test
    void requestsBeyondTheLimitsAreDefinitelyNotApplied() throws Exception {
        Bytes big = Bytes.wrap(new byte[KvLimits.VALUE_BYTES_MAX + 1]);
        assertThatThrownBy(() -> client.put(Bytes.of("kc:big"), big))
                .isInstanceOfSatisfying(NotAppliedException.class, e -> assertThat(e.code()).isEqualTo("BAD_REQUEST"));
        assertThat(client.get(Bytes.of("kc:big"))).isEmpty();
    }
}
