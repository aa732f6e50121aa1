package io.replikv.client.bench;

import io.replikv.client.ClientOptions;
import io.replikv.core.kv.KvLimits;
import java.time.Duration;
import java.util.List;

/**
 * One bench run: plain RESP SET/GET over {@code clients} connections (spread round-robin over
 * {@code servers}), {@code pipeline} requests in flight on each, {@code requests} in total, keys
 * drawn uniformly from {@code keys} distinct keys, the SET share {@code setWeight / (setWeight + getWeight)}.
 */
public record BenchConfig(List<String> servers, int clients, long requests, int valueSizeBytes,
                          int setWeight, int getWeight, int pipeline, int keys, long seed, Duration connectTimeout) {
    /** Most connections: the servers' per-server connection limit (RESP-EXTENSIONS.md). */
    public static final int CLIENTS_MAX = 10_000;
    /** Deepest pipeline: the servers stop reading a connection at 1,024 commands in flight. */
    public static final int PIPELINE_MAX = 1024;
    /** Most distinct keys: keeps the key space addressable by an int and the server's memory sane. */
    public static final int KEYS_MAX = 100_000_000;

    public BenchConfig {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) throw new IllegalArgumentException("at least one server is needed");
        for (String s : servers) ClientOptions.parseAddress(s);
        check(clients >= 1 && clients <= CLIENTS_MAX, "--clients must be 1.." + CLIENTS_MAX);
        check(requests >= 1, "--requests must be positive");
        check(valueSizeBytes >= 0 && valueSizeBytes <= KvLimits.VALUE_BYTES_MAX, "--value-size must be 0.." + KvLimits.VALUE_BYTES_MAX);
        check(setWeight >= 0 && getWeight >= 0 && setWeight + getWeight > 0, "--ratio must be SET:GET with non-negative weights, not both 0");
        check(pipeline >= 1 && pipeline <= PIPELINE_MAX, "--pipeline must be 1.." + PIPELINE_MAX);
        check(keys >= 1 && keys <= KEYS_MAX, "--keys must be 1.." + KEYS_MAX);
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /** Parses "SET:GET" weights, e.g. "1:1", "1:9", "0:1". */
    public static int[] parseRatio(String ratio) {
        String[] parts = ratio.split(":");
        if (parts.length != 2) throw new IllegalArgumentException("--ratio must be SET:GET, e.g. 1:1 or 1:9");
        try {
            return new int[] {Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip())};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--ratio must be SET:GET, e.g. 1:1 or 1:9");
        }
    }
}
