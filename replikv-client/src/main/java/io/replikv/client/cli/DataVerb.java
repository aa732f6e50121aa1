package io.replikv.client.cli;

import io.replikv.client.ClientOptions;
import io.replikv.client.KvClient;
import io.replikv.client.KvException;
import io.replikv.client.NotAppliedException;
import io.replikv.client.UnknownOutcomeException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The shared shape of get, put, append, puthash and delete: connect, run one operation, map the outcome to an exit code. */
abstract class DataVerb implements Callable<Integer> {
    @Mixin
    ServerOptions server;

    @Option(names = "--timeout-ms", defaultValue = "10000", paramLabel = "MS",
            description = "Give up after this many milliseconds (default: ${DEFAULT-VALUE}); a write then ends with exit code 3 if it may have been applied.")
    long timeoutMillis;

    @Spec
    CommandSpec spec;

    /** Runs the operation and returns what to print. */
    abstract String run(KvClient client) throws KvException;

    @Override
    public Integer call() {
        if (timeoutMillis <= 0) throw new ParameterException(spec.commandLine(), "--timeout-ms must be positive");
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClientOptions options;
        try {
            options = ClientOptions.of(server.servers()).withSessions(1).withOperationTimeout(Duration.ofMillis(timeoutMillis));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (KvClient client = KvClient.connect(options)) {
            out.println(run(client));
            out.flush();
            return ExitCodes.OK;
        } catch (NotAppliedException e) {
            err.println("replikv: not applied (" + e.code() + "): " + e.detail());
            err.flush();
            return ExitCodes.NOT_APPLIED;
        } catch (UnknownOutcomeException e) {
            err.println("replikv: outcome unknown (the write may or may not have been applied): " + e.getMessage());
            err.flush();
            return ExitCodes.UNKNOWN;
        } catch (KvException e) {
            throw new IllegalStateException("KvException is sealed to the two kinds above", e);
        }
    }
}
