package io.replikv.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.kv.Fnv1a;
import io.replikv.core.kv.KvLimits;
import io.replikv.core.util.Bytes;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Goal: a real server process (mode single), driven by a real Redis client (Jedis), behaves as
 * docs/protocol.md says: the KV commands and their replies, big values, deep pipelines, tagged
 * at-most-once requests, and limits; junk on the client or the peer port harms nothing; SIGTERM
 * stops it gracefully. Each test uses its own keys, so they share one server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerProcessIT {
    private ServerProcess.Started server;
    private Path data;

    record Raw(String name) implements ProtocolCommand {
        @Override
        public byte[] getRaw() {
            return name.getBytes(StandardCharsets.US_ASCII);
        }
    }

    @BeforeAll
    void start() throws Exception {
        data = Files.createTempDirectory("replikv-it");
        server = ServerProcess.startSingle(data.resolve("n1"));
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) server.process().close();
    }

    private Jedis jedis() {
        Jedis j = new Jedis("127.0.0.1", server.clientPort(), 30_000);
        return j;
    }

    @Test
    void kvCommandsFollowRedisSemantics() {
        try (Jedis j = jedis()) {
            assertThat(j.ping()).isEqualTo("PONG");
            assertThat(j.get("kv:a")).isNull();
            assertThat(j.set("kv:a", "hello")).isEqualTo("OK");
            assertThat(j.get("kv:a")).isEqualTo("hello");
            assertThat(j.append("kv:a", " world")).isEqualTo(11);
            assertThat(j.append("kv:new", "x")).isEqualTo(1);
            assertThat(j.get("kv:a")).isEqualTo("hello world");
            assertThat(j.exists("kv:a", "kv:new", "kv:none", "kv:a")).isEqualTo(3);
            assertThat(j.del("kv:a", "kv:none", "kv:new")).isEqualTo(2);
            assertThat(j.exists("kv:a")).isFalse();
            assertThat(j.del("kv:a")).isZero();
        }
    }

    @Test
    void puthashReturnsTheOldValueAndStoresTheHash() {
        try (Jedis j = jedis()) {
            Object first = j.sendCommand(new Raw("PUTHASH"), "ph:k", "abc");
            assertThat(new String((byte[]) first, StandardCharsets.UTF_8)).isEmpty();
            String expected = Long.toString(Fnv1a.hash32(Bytes.EMPTY, Bytes.of("abc")));
            assertThat(j.get("ph:k")).isEqualTo(expected);
            Object second = j.sendCommand(new Raw("PUTHASH"), "ph:k", "d");
            assertThat(new String((byte[]) second, StandardCharsets.UTF_8)).isEqualTo(expected);
            assertThat(j.get("ph:k")).isEqualTo(Long.toString(Fnv1a.hash32(Bytes.of(expected), Bytes.of("d"))));
        }
    }

    @Test
    void hundredKilobyteBinaryValuesRoundTrip() {
        byte[] value = new byte[100 * 1024];
        new Random(42).nextBytes(value);
        try (Jedis j = jedis()) {
            byte[] key = "big:100k".getBytes(StandardCharsets.UTF_8);
            assertThat(j.set(key, value)).isEqualTo("OK");
            assertThat(j.get(key)).isEqualTo(value);
            assertThat(j.append(key, value)).isEqualTo(2L * value.length);
        }
    }

    @Test
    void aThousandPipelinedCommandsAreAnsweredInOrder() {
        try (Jedis j = jedis()) {
            Pipeline p = j.pipelined();
            List<Response<Long>> lengths = new ArrayList<>();
            List<Response<String>> gets = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                lengths.add(p.append("pipe:log", "x"));
                gets.add(p.get("pipe:log"));
            }
            p.sync();
            for (int i = 0; i < 500; i++) {
                assertThat(lengths.get(i).get()).isEqualTo(i + 1);
                assertThat(gets.get(i).get()).hasSize(i + 1);
            }
        }
    }

    @Test
    void aRetriedTaggedRequestReturnsTheRecordedReplyAndIsNotAppliedAgain() {
        try (Jedis j = jedis()) {
            Raw req = new Raw("REPLIKV.REQ");
            assertThat(j.sendCommand(req, "7001", "1", "APPEND", "amo:k", "x")).isEqualTo(1L);
            assertThat(j.sendCommand(req, "7001", "1", "APPEND", "amo:k", "x")).isEqualTo(1L);
            assertThat(j.get("amo:k")).isEqualTo("x");
            assertThat(j.sendCommand(req, "7001", "2", "APPEND", "amo:k", "y")).isEqualTo(2L);
            assertThat(new String((byte[]) j.sendCommand(req, "7001", "3", "GET", "amo:k"), StandardCharsets.UTF_8))
                    .isEqualTo("xy");
            assertThat(j.sendCommand(req, "7001", "4", "SET", "amo:k", "z")).isEqualTo("OK".getBytes(StandardCharsets.UTF_8));
            assertThat(j.sendCommand(req, "7001", "5", "DEL", "amo:k")).isEqualTo(1L);
            assertThat(j.sendCommand(req, "7001", "5", "DEL", "amo:k")).isEqualTo(1L);
        }
    }

    @Test
    void anOversizedValueIsRefusedAndChangesNothing() {
        try (Jedis j = jedis()) {
            j.set("limit:k", "kept");
            String tooBig = "v".repeat(KvLimits.VALUE_BYTES_MAX + 1);
            assertThatThrownBy(() -> j.set("limit:k", tooBig)).isInstanceOf(JedisDataException.class)
                    .hasMessageStartingWith("ERR value is");
            assertThat(j.get("limit:k")).isEqualTo("kept");
            j.set("limit:a", "v".repeat(KvLimits.VALUE_BYTES_MAX));
            assertThatThrownBy(() -> j.append("limit:a", "more")).isInstanceOf(JedisDataException.class)
                    .hasMessageStartingWith("ERR REFUSED");
            assertThat(j.get("limit:a")).hasSize(KvLimits.VALUE_BYTES_MAX);
        }
    }

    @Test
    void junkOnTheClientPortClosesThatConnectionOnly() throws Exception {
        try (Jedis j = jedis()) {
            j.set("junk:c", "intact");
            byte[] junk = new byte[16 * 1024];
            new Random(1).nextBytes(junk);
            assertClosed(server.clientPort(), junk, true);
            assertThat(assertClosed(server.clientPort(), "PING\r\n*1\r\n$-7\r\n".getBytes(StandardCharsets.US_ASCII)))
                    .isEqualTo("+PONG\r\n-ERR Protocol error: invalid bulk length: -7 (limit 1114112)\r\n");
            assertClosed(server.clientPort(), "*2000000\r\n".getBytes(StandardCharsets.US_ASCII));
            assertClosed(server.clientPort(), "*2\r\n$3\r\nSET\r\n$99999999\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(j.get("junk:c")).isEqualTo("intact");
        }
        try (Jedis fresh = jedis()) {
            assertThat(fresh.get("junk:c")).isEqualTo("intact");
        }
    }

    @Test
    void junkOnThePeerPortHarmsNothing() throws Exception {
        try (Jedis j = jedis()) {
            j.set("junk:p", "intact");
            byte[] junk = new byte[16 * 1024];
            new Random(2).nextBytes(junk);
            assertClosed(server.peerPort(), junk, true);
            assertClosed(server.peerPort(), new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3});
            assertThat(j.get("junk:p")).isEqualTo("intact");
        }
    }

    @Test
    void infoTopologyAndHttpDescribeTheServer() throws Exception {
        try (Jedis j = jedis()) {
            assertThat(j.info("replication")).contains("# Replication", "mode:single", "role:primary", "leader:n1");
            @SuppressWarnings("unchecked")
            List<Object> topology = (List<Object>) j.sendCommand(new Raw("REPLIKV.TOPOLOGY"));
            assertThat(new String((byte[]) topology.get(0), StandardCharsets.UTF_8)).isEqualTo("mode");
            assertThat(new String((byte[]) topology.get(1), StandardCharsets.UTF_8)).isEqualTo("single");
            @SuppressWarnings("unchecked")
            List<Object> member = (List<Object>) ((List<Object>) topology.get(9)).get(0);
            assertThat(new String((byte[]) member.get(1), StandardCharsets.UTF_8)).isEqualTo("127.0.0.1:" + server.clientPort());
        }
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.httpPort();
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/status")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).contains("\"mode\":\"single\"");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).contains("replikv_requests_total{command=\"info\",outcome=\"ok\"}");
    }

    @Test
    void sigtermStopsGracefully() throws Exception {
        ServerProcess.Started other = ServerProcess.startSingle(data.resolve("other"));
        try (Jedis j = new Jedis("127.0.0.1", other.clientPort(), 30_000)) {
            assertThat(j.set("k", "v")).isEqualTo("OK");
        }
        int code = other.process().terminate();
        assertThat(code).isEqualTo(143); // the JVM's status after SIGTERM, once shutdown hooks ran
        assertThat(other.process().output()).contains("event=server_stopping", "event=server_stopped name=n1 drained=true");
    }

    /**
     * Sends bytes on a fresh connection and reads until the server closes it (within 30 s). Random
     * junk may happen to parse as inline commands, so for it we also end our side of the stream
     * ({@code endInput}); malformed requests must be closed by the server on its own.
     */
    private static String assertClosed(int port, byte[] bytes, boolean endInput) throws Exception {
        java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
                if (endInput) s.shutdownOutput();
            } catch (java.io.IOException e) {
                return ""; // closed while we wrote: fine
            }
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    received.write(buf, 0, n); // replies (errors) may come first; then the end of the stream
                }
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("connection not closed within 30 s", e);
            } catch (java.io.IOException e) {
                // reset: closed
            }
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    private static String assertClosed(int port, byte[] bytes) throws Exception {
        return assertClosed(port, bytes, false);
    }
}
