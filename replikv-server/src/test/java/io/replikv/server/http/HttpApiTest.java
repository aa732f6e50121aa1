package io.replikv.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.single.SingleServerCore;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.util.Bytes;
import io.replikv.server.metrics.ServerMetrics;
import io.replikv.server.runtime.AddressBook;
import io.replikv.server.runtime.NodeRuntime;
import io.replikv.server.runtime.RecordingTransport;
import io.replikv.server.runtime.SingleModeFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Goal: the HTTP endpoints answer with the node's real status (read on its thread), metrics in Prometheus format, and honest probes. */
class HttpApiTest {
    private final ServerMetrics metrics = new ServerMetrics();
    private final AtomicBoolean serving = new AtomicBoolean(true);
    private NodeRuntime runtime;
    private HttpApi api;
    private String base;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        NodeId n1 = NodeId.of("n1");
        runtime = new NodeRuntime(new SingleServerCore(n1), new MemoryStorage(), new RecordingTransport(), metrics,
                (id, cause) -> {}, 10);
        runtime.start();
        AddressBook book = new AddressBook(n1);
        book.setClientAddress("127.0.0.1:7001");
        book.setPeerAddress("127.0.0.1:7101");
        api = new HttpApi(runtime, new SingleModeFactory(), book, metrics, serving::get);
        InetSocketAddress bound = api.start(new InetSocketAddress("127.0.0.1", 0));
        base = "http://127.0.0.1:" + bound.getPort();
    }

    @AfterEach
    void stop() {
        api.close();
        runtime.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(java.time.Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void statusIsTheNodesStatusAsJson() throws Exception {
        CountDownLatch applied = new CountDownLatch(1);
        NodeId conn = runtime.registerConnection(r -> applied.countDown());
        runtime.submit(conn, new ClientRequest(1, Request.untagged(new Command.Put(Bytes.of("k"), Bytes.of("v")))));
        assertThat(applied.await(10, TimeUnit.SECONDS)).isTrue();
        HttpResponse<String> r = get("/v1/status");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(r.body()).startsWith("{\"name\":\"n1\",\"mode\":\"single\",\"role\":\"primary\",\"epoch\":0,"
                + "\"leader\":\"n1\",\"members\":[\"n1\"],\"applied\":1,\"details\":{\"keys\":\"1\",\"sessions\":\"0\"},"
                + "\"topology\":[{\"name\":\"n1\",\"client\":\"127.0.0.1:7001\",\"role\":\"primary\"}]");
        assertThat(r.body()).contains("\"ready\":true");
    }

    @Test
    void metricsAreInThePrometheusTextFormat() throws Exception {
        metrics.request("get", "ok", 1_500_000);
        metrics.request("get", "ok", 20_000_000);
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        assertThat(r.body()).contains(
                "# TYPE replikv_requests_total counter\n",
                "replikv_requests_total{command=\"get\",outcome=\"ok\"} 2\n",
                "replikv_request_duration_seconds_bucket{command=\"get\",le=\"0.001\"} 0\n",
                "replikv_request_duration_seconds_bucket{command=\"get\",le=\"0.0025\"} 1\n",
                "replikv_request_duration_seconds_bucket{command=\"get\",le=\"+Inf\"} 2\n",
                "replikv_request_duration_seconds_count{command=\"get\"} 2\n",
                "# TYPE replikv_client_connections gauge\n",
                "replikv_node_inbox_tasks ");
    }

    @Test
    void probesSayLiveAndReadyUntilShutdownBegins() throws Exception {
        assertThat(get("/livez").statusCode()).isEqualTo(200);
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
        serving.set(false);
        assertThat(get("/readyz").statusCode()).isEqualTo(503);
        assertThat(get("/livez").statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPathsAndMethodsAreRefused() throws Exception {
        assertThat(get("/nope").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/status"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }
}
