package io.replikv.client.cli;

import io.replikv.client.bench.Bench;
import io.replikv.client.bench.BenchConfig;
import io.replikv.client.bench.BenchResult;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code replikv bench}: load over plain RESP SET/GET; latency percentiles, throughput, errors. */
@Command(name = "bench", mixinStandardHelpOptions = true, exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the run completed (error replies are counted in the report)", "1:a connection could not be opened",
            "2:usage error"},
        description = {"Load generator over plain RESP (SET and GET, as redis-benchmark sends them): C connections, "
                + "each keeping D requests in flight (pipelined), N requests in total, keys drawn uniformly from K keys.",
            "Prints throughput (ops/s), latency percentiles (p50, p99, p99.9, max, in microseconds, from write to reply) "
                + "and error replies by code. A progress bar is shown only when stdout is a terminal."})
public final class BenchCommand implements Callable<Integer> {
    @Mixin
    ServerOptions server;

    @Option(names = "--clients", defaultValue = "10", paramLabel = "C", description = "Connections, spread round-robin over the servers (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--requests", defaultValue = "100000", paramLabel = "N", description = "Requests in total (default: ${DEFAULT-VALUE}).")
    long requests;

    @Option(names = "--value-size", defaultValue = "100", paramLabel = "B", description = "Bytes per SET value (default: ${DEFAULT-VALUE}).")
    int valueSize;

    @Option(names = "--ratio", defaultValue = "1:1", paramLabel = "SET:GET", description = "Mix of SETs to GETs (default: ${DEFAULT-VALUE}).")
    String ratio;

    @Option(names = "--pipeline", defaultValue = "1", paramLabel = "D", description = "Requests in flight per connection (default: ${DEFAULT-VALUE}).")
    int pipeline;

    @Option(names = "--keys", defaultValue = "10000", paramLabel = "K", description = "Distinct keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the workload (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** Test hook: force the progress bar on or off (null: on when stdout is a terminal). */
    Boolean progressOverride;

    @Override
    public Integer call() throws InterruptedException {
        BenchConfig config;
        try {
            int[] weights = BenchConfig.parseRatio(ratio);
            config = new BenchConfig(server.servers(), clients, requests, valueSize, weights[0], weights[1], pipeline, keys,
                    seed, Duration.ofSeconds(2));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean showProgress = progressOverride != null ? progressOverride : stdoutIsTerminal();
        BenchResult result;
        try {
            result = Bench.run(config, showProgress ? new ProgressBar(out, requests) : done -> { });
        } catch (IOException e) {
            spec.commandLine().getErr().println("replikv bench: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return ExitCodes.NOT_APPLIED;
        }
        if (showProgress) out.print("\r\033[K");
        out.print(json ? Json.write(toMap(result, ratio)) + "\n" : text(result, ratio));
        out.flush();
        return ExitCodes.OK;
    }

    static String text(BenchResult r, String ratio) {
        BenchConfig c = r.config();
        return String.format(Locale.ROOT, "replikv bench: %d requests (SET:GET %s, %d keys, %d-byte values) over %d connections, pipeline %d, to %s%n"
                        + "completed:  %d in %.2f s = %.0f ops/s%n"
                        + "latency us: p50 %d  p99 %d  p99.9 %d  max %d  (mean %.1f)%n"
                        + "errors:     %s%n",
                c.requests(), ratio, c.keys(), c.valueSizeBytes(), c.clients(), c.pipeline(), String.join(",", c.servers()),
                r.completed(), r.elapsedSeconds(), r.throughputOpsPerSecond(),
                r.p50Micros(), r.p99Micros(), r.p999Micros(), r.maxMicros(), r.meanMicros(),
                r.errors().isEmpty() ? "none" : r.errors().toString());
    }

    static Map<String, Object> toMap(BenchResult r, String ratio) {
        BenchConfig c = r.config();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("servers", c.servers());
        map.put("clients", c.clients());
        map.put("requests", c.requests());
        map.put("pipeline", c.pipeline());
        map.put("valueSizeBytes", c.valueSizeBytes());
        map.put("ratio", ratio);
        map.put("keys", c.keys());
        map.put("seed", c.seed());
        map.put("completed", r.completed());
        map.put("errors", r.errors());
        map.put("elapsedSeconds", r.elapsedSeconds());
        map.put("throughputOpsPerSecond", r.throughputOpsPerSecond());
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", r.p50Micros());
        latency.put("p99", r.p99Micros());
        latency.put("p999", r.p999Micros());
        latency.put("max", r.maxMicros());
        latency.put("mean", r.meanMicros());
        map.put("latencyMicros", latency);
        return map;
    }

    /** Console.isTerminal() exists from JDK 22 (we compile for 21); before it, a console means a terminal. */
    static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) return false;
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** A one-line bar redrawn in place: [#####-----]  45%  45000/100000. */
    static final class ProgressBar implements LongConsumer {
        private static final int WIDTH_CHARS = 30;
        private final PrintWriter out;
        private final long total;

        ProgressBar(PrintWriter out, long total) {
            this.out = out;
            this.total = total;
        }

        @Override
        public void accept(long done) {
            int filled = (int) Math.min(WIDTH_CHARS, done * WIDTH_CHARS / total);
            out.printf(Locale.ROOT, "\r[%s%s] %3d%%  %d/%d", "#".repeat(filled), "-".repeat(WIDTH_CHARS - filled),
                    done * 100 / total, done, total);
            out.flush();
        }
    }
}
