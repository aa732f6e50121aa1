package io.replikv.server.cli;

import io.replikv.client.cli.Json;
import io.replikv.server.check.CheckConfig;
import io.replikv.server.check.CheckReport;
import io.replikv.server.check.CheckRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code replikv check}: a workload and a nemesis against a running local cluster, then the linearizability checker (docs/check.md). */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the history is linearizable", "1:the history is NOT linearizable (the report shows the key)",
            "2:usage error, or no running cluster in --data", "3:unknown: the checker ran out of budget",
            "4:the cluster was not ready, or did not come back after the faults were undone"},
        description = {"Runs C logical clients (each one operation at a time: get, put, append, puthash, delete over K keys) "
                + "against the running cluster in DIR (DIR/cluster.json, written by replikv cluster) for S seconds, while "
                + "a nemesis kills, pauses or restarts one node every M ms; then undoes every fault, waits until the "
                + "cluster is ready and checks the history for linearizability.",
            "Prints the verdict, operation counts, failover times and the nemesis log."})
public final class CheckCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The cluster's data directory (holds cluster.json).")
    Path data;

    @Option(names = "--clients", defaultValue = "5", paramLabel = "C", description = "Logical clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--duration-s", defaultValue = "30", paramLabel = "S", description = "Seconds of workload (default: ${DEFAULT-VALUE}).")
    int durationS;

    @Option(names = "--keys", defaultValue = "5", paramLabel = "K", description = "Keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--nemesis", defaultValue = "kill,pause", paramLabel = "FAULTS",
            description = "Faults: a comma list of kill, pause, restart; or none (default: ${DEFAULT-VALUE}).")
    String nemesis;

    @Option(names = "--nemesis-interval-ms", defaultValue = "3000", paramLabel = "M",
            description = "One nemesis round every M ms; a fault lasts M/2..3M/2 (default: ${DEFAULT-VALUE}).")
    long intervalMs;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the workload and the nemesis (default: random, printed).")
    Long seed;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        CheckConfig config;
        try {
            config = new CheckConfig(data.toAbsolutePath().normalize(), clients, durationS, keys, nemesis, intervalMs,
                    seed != null ? seed : new SecureRandom().nextLong() & Long.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        CheckReport report;
        try {
            report = new CheckRun(config, System.err).run();
        } catch (CheckRun.NoClusterException e) {
            System.err.println("replikv check: " + e.getMessage());
            return CheckReport.EXIT_USAGE;
        } catch (CheckRun.NotReadyException e) {
            System.err.println("replikv check: " + e.getMessage());
            return CheckReport.EXIT_NOT_RECOVERED;
        }
        out.print(json ? Json.write(report.json()) + "\n" : report.text());
        out.flush();
        return report.exitCode();
    }
}
