package io.replikv.server.metrics;

import io.replikv.core.NodeId;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * The server's counters, gauges and latency histograms, rendered in the Prometheus text format
 * for {@code /metrics}. Thread-safe: recorded from event-loop threads and the node thread.
 * Label values are bounded (command names are from the command table or "unknown"; peers
 * are configured or said hello), so the number of series stays bounded.
 */
public final class ServerMetrics {
    /** Upper bounds of the latency buckets, in seconds (Prometheus {@code le}). */
    static final double[] LATENCY_BUCKETS_SECONDS =
            {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    /** Largest latency the histograms resolve, in microseconds (larger ones are clamped): one minute. */
    private static final long LATENCY_MICROS_MAX = 60_000_000L;

    private record Family(String help, String type) {}

    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentHashMap<String, LongAdder>> counters = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();
    private final Map<String, Latency> latencies = new ConcurrentHashMap<>();
    private final AtomicLong clientConnections = new AtomicLong();
    private final AtomicLong peerConnections = new AtomicLong();

    private static final class Latency {
        final ConcurrentHistogram micros = new ConcurrentHistogram(LATENCY_MICROS_MAX, 2);
        final LongAdder sumNanos = new LongAdder();
    }

    public ServerMetrics() {
        gauge("replikv_client_connections", "Client (RESP) connections open now.", clientConnections::get);
        gauge("replikv_peer_connections", "Inbound peer connections open now.", peerConnections::get);
    }

    /** A command finished: {@code outcome} is ok, err, refused, tryagain or unknown. */
    public void request(String command, String outcome, long nanos) {
        count("replikv_requests_total", "RESP commands answered, by command and outcome.",
                "command=\"" + command + "\",outcome=\"" + outcome + "\"");
        Latency l = latencies.computeIfAbsent(command, c -> new Latency());
        l.micros.recordValue(Math.max(0, Math.min(LATENCY_MICROS_MAX, nanos / 1000)));
        l.sumNanos.add(nanos);
    }

    public void peerSent(NodeId peer) {
        count("replikv_peer_messages_sent_total", "Peer messages written to a connection.", peerLabel(peer));
    }

    public void peerReceived(NodeId peer) {
        count("replikv_peer_messages_received_total", "Peer messages received and decoded.", peerLabel(peer));
    }

    /** A message to {@code peer} was dropped; {@code reason}: queue_full, encode_error, too_large, no_address, stopped. */
    public void peerDropped(NodeId peer, String reason) {
        count("replikv_peer_messages_dropped_total", "Peer messages dropped before reaching a connection.",
                peerLabel(peer) + ",reason=\"" + reason + "\"");
    }

    /** An inbound peer connection was closed by this server; {@code reason}: bad_hello, bad_frame, undecodable, ... */
    public void peerConnectionRefused(String reason) {
        count("replikv_peer_connections_closed_total", "Inbound peer connections closed because of bad input or limits.",
                "reason=\"" + reason + "\"");
    }

    public void peerConnectionOpened() {
        peerConnections.incrementAndGet();
    }

    public void peerConnectionClosed() {
        peerConnections.decrementAndGet();
    }

    public void clientConnectionOpened() {
        clientConnections.incrementAndGet();
        count("replikv_client_connections_total", "Client connections accepted.", "");
    }

    public void clientConnectionClosed() {
        clientConnections.decrementAndGet();
    }

    public void clientConnectionRejected() {
        count("replikv_client_connections_rejected_total", "Client connections refused at the connection limit.", "");
    }

    public void protocolError() {
        count("replikv_resp_protocol_errors_total", "Client connections closed for unparsable input.", "");
    }

    /** Node-thread inputs refused because the node's inbox was full; {@code kind}: client or peer. */
    public void inboxFull(String kind) {
        count("replikv_node_inbox_rejected_total", "Inputs refused because the node inbox was full.", "kind=\"" + kind + "\"");
    }

    /** One storage sync (group commit) covered the writes of {@code inputs} node inputs. */
    public void synced(int inputs) {
        count("replikv_storage_syncs_total", "Storage syncs by the node thread (one per group commit).", "");
        families.computeIfAbsent("replikv_storage_synced_inputs_total",
                n -> new Family("Node inputs whose writes a group-commit sync covered (divide by syncs: inputs per sync).", "counter"));
        counters.computeIfAbsent("replikv_storage_synced_inputs_total", n -> new ConcurrentHashMap<>())
                .computeIfAbsent("", l -> new LongAdder()).add(inputs);
    }

    public void tick() {
        count("replikv_node_ticks_total", "Ticks delivered to the node.", "");
    }

    public int clientConnectionCount() {
        return (int) clientConnections.get();
    }

    /** Registers a gauge read at scrape time. */
    public void gauge(String name, String help, LongSupplier value) {
        families.put(name, new Family(help, "gauge"));
        gauges.put(name, value);
    }

    /** The current value of a counter series, for tests and INFO. */
    public long counter(String name, String labels) {
        var series = counters.get(name);
        LongAdder a = series == null ? null : series.get(labels);
        return a == null ? 0 : a.sum();
    }

    private void count(String name, String help, String labels) {
        families.computeIfAbsent(name, n -> new Family(help, "counter"));
        counters.computeIfAbsent(name, n -> new ConcurrentHashMap<>())
                .computeIfAbsent(labels, l -> new LongAdder()).increment();
    }

    private static String peerLabel(NodeId peer) {
        return "peer=\"" + escape(peer.name()) + "\"";
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Everything, in the Prometheus text exposition format 0.0.4, in name and label order. */
    public String prometheus() {
        StringBuilder out = new StringBuilder(4096);
        for (var e : new TreeMap<>(counters).entrySet()) {
            header(out, e.getKey());
            for (var s : new TreeMap<>(e.getValue()).entrySet()) sample(out, e.getKey(), s.getKey(), s.getValue().sum());
        }
        for (var e : new TreeMap<>(gauges).entrySet()) {
            header(out, e.getKey());
            sample(out, e.getKey(), "", e.getValue().getAsLong());
        }
        if (!latencies.isEmpty()) latency(out);
        return out.toString();
    }

    private void latency(StringBuilder out) {
        String name = "replikv_request_duration_seconds";
        out.append("# HELP ").append(name).append(" Time from a command being read to its reply being written.\n");
        out.append("# TYPE ").append(name).append(" histogram\n");
        for (var e : new TreeMap<>(latencies).entrySet()) {
            String command = "command=\"" + e.getKey() + "\"";
            ConcurrentHistogram h = e.getValue().micros.copy();
            for (double bound : LATENCY_BUCKETS_SECONDS) {
                long count = h.getCountBetweenValues(0, (long) (bound * 1_000_000));
                sample(out, name + "_bucket", command + ",le=\"" + bound + "\"", count);
            }
            sample(out, name + "_bucket", command + ",le=\"+Inf\"", h.getTotalCount());
            out.append(name).append("_sum{").append(command).append("} ")
                    .append(e.getValue().sumNanos.sum() / 1e9).append('\n');
            sample(out, name + "_count", command, h.getTotalCount());
        }
    }

    private void header(StringBuilder out, String name) {
        Family f = families.get(name);
        out.append("# HELP ").append(name).append(' ').append(f.help()).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(f.type()).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, long value) {
        out.append(name);
        if (!labels.isEmpty()) out.append('{').append(labels).append('}');
        out.append(' ').append(value).append('\n');
    }
}
