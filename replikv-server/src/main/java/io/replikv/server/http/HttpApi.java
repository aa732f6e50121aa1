package io.replikv.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.replikv.core.NodeStatus;
import io.replikv.server.metrics.ServerMetrics;
import io.replikv.client.cli.Json;
import io.replikv.server.runtime.AddressBook;
import io.replikv.server.runtime.ModeFactory;
import io.replikv.server.runtime.NodeRuntime;
import io.replikv.server.runtime.RuntimeLimits;
import io.replikv.server.runtime.Topology;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a server: {@code GET /v1/status} (JSON), {@code /metrics} (Prometheus text),
 * {@code /livez} and {@code /readyz}. Status is read on the node thread (a posted task, waited for
 * with a timeout), never from another thread's view of the core.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

    /** Threads answering HTTP requests: scrapes and probes are rare and quick. */
    static final int HTTP_THREADS = 2;

    private final NodeRuntime runtime;
    private final ModeFactory mode;
    private final AddressBook addresses;
    private final ServerMetrics metrics;
    private final BooleanSupplier serving;
    private HttpServer server;
    private ExecutorService executor;

    /** @param serving false once shutdown began (then /readyz answers 503) */
    public HttpApi(NodeRuntime runtime, ModeFactory mode, AddressBook addresses, ServerMetrics metrics,
                   BooleanSupplier serving) {
        this.runtime = runtime;
        this.mode = mode;
        this.addresses = addresses;
        this.metrics = metrics;
        this.serving = serving;
    }

    public InetSocketAddress start(InetSocketAddress address) throws IOException {
        server = HttpServer.create(address, 64);
        executor = Executors.newFixedThreadPool(HTTP_THREADS, r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                respond(exchange, 405, "text/plain", "only GET\n");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/v1/status" -> status(exchange);
                case "/metrics" -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.prometheus());
                case "/livez" -> respond(exchange, runtime.failed() ? 503 : 200, "text/plain",
                        runtime.failed() ? "node failed\n" : "ok\n");
                case "/readyz" -> readyz(exchange);
                default -> respond(exchange, 404, "text/plain", "not found; try /v1/status, /metrics, /livez, /readyz\n");
            }
        } catch (RuntimeException e) {
            log.error("event=http_handler_failed path={}", exchange.getRequestURI(), e);
        }
    }

    private NodeStatus readStatus() {
        try {
            return runtime.status().get(RuntimeLimits.STATUS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    private void status(HttpExchange exchange) throws IOException {
        NodeStatus s = readStatus();
        if (s == null) {
            respond(exchange, 503, "application/json", "{\"error\":\"node status unavailable\"}\n");
            return;
        }
        respond(exchange, 200, "application/json", Json.write(statusJson(s)) + "\n");
    }

    Map<String, Object> statusJson(NodeStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.id().name());
        m.put("mode", s.mode());
        m.put("role", s.role());
        m.put("epoch", s.epoch());
        m.put("leader", s.leader() == null ? null : s.leader().name());
        m.put("members", s.members().stream().map(id -> id.name()).toList());
        m.put("applied", s.applied());
        m.put("details", new LinkedHashMap<>(s.details()));
        List<Object> topology = new ArrayList<>();
        for (Topology.Member member : Topology.members(s, addresses)) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", member.name().name());
            t.put("client", member.clientAddress());
            t.put("role", member.role());
            topology.add(t);
        }
        m.put("topology", topology);
        Map<String, Object> self = new LinkedHashMap<>();
        self.put("client", addresses.clientAddress());
        self.put("peer", addresses.peerAddress());
        self.put("http", addresses.httpAddress());
        m.put("addresses", self);
        m.put("ready", serving.getAsBoolean() && mode.ready(s));
        return m;
    }

    private void readyz(HttpExchange exchange) throws IOException {
        if (!serving.getAsBoolean() || runtime.failed()) {
            respond(exchange, 503, "text/plain", "not serving\n");
            return;
        }
        NodeStatus s = readStatus();
        boolean ready = s != null && mode.ready(s);
        respond(exchange, ready ? 200 : 503, "text/plain", ready ? "ready\n" : "not ready\n");
    }

    private static void respond(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        if (server != null) server.stop(0);
        if (executor != null) executor.shutdownNow();
    }
}
