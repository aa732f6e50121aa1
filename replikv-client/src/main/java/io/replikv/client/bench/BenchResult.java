package io.replikv.client.bench;

import java.util.Map;

/**
 * What a run measured. {@code completed} counts replies (errors included); {@code errors} counts
 * error replies by their first word (ERR, TRYAGAIN ...) and lost connections as CONNECTION_LOST.
 * Latencies are from writing a request to reading its reply, in microseconds.
 */
public record BenchResult(BenchConfig config, long completed, Map<String, Long> errors, double elapsedSeconds,
                          long p50Micros, long p99Micros, long p999Micros, long maxMicros, double meanMicros) {
    public double throughputOpsPerSecond() {
        return elapsedSeconds > 0 ? completed / elapsedSeconds : 0;
    }
}
