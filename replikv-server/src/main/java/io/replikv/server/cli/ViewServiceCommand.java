package io.replikv.server.cli;

import io.replikv.server.transport.HostPort;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code replikv viewservice}: the view service of modes pb and 2pc. Not in this build yet. */
@Command(name = "viewservice", mixinStandardHelpOptions = true,
        description = "Runs the view service of modes pb and 2pc (arrives with mode pb).")
final class ViewServiceCommand implements Callable<Integer> {
    @Option(names = "--name", defaultValue = "vs", description = "Node name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--peer", defaultValue = "127.0.0.1:7100", converter = HostPortConverter.class,
            description = "Peer address servers ping (default: ${DEFAULT-VALUE}).")
    HostPort peer;

    @Option(names = "--http", defaultValue = "127.0.0.1:7200", converter = HostPortConverter.class,
            description = "HTTP status address (default: ${DEFAULT-VALUE}).")
    HostPort http;

    @Option(names = "--data", description = "Data directory.")
    Path data;

    @Override
    public Integer call() {
        System.err.println("replikv: the view service arrives with mode pb; it is not available yet");
        return ExitCodes.USAGE;
    }
}
