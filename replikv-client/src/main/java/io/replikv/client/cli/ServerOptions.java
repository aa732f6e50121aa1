package io.replikv.client.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** --server, shared by every client verb. */
public final class ServerOptions {
    @Option(names = "--server", split = ",", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7001",
            description = "Client address(es) of one or more servers, comma-separated; any one that answers is enough (default: ${DEFAULT-VALUE}).")
    List<String> servers;

    List<String> servers() {
        return servers;
    }
}
