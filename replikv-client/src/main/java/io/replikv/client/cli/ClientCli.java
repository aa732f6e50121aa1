package io.replikv.client.cli;

import java.util.List;

/**
 * The client verbs of the replikv CLI (get, put, append, puthash, delete, status, bench). The
 * server module's Main adds each of these picocli command objects as a subcommand.
 */
public final class ClientCli {
    private ClientCli() {}

    /** Fresh picocli command objects, one per verb. */
    public static List<Object> subcommands() {
        return List.of();
    }
}
