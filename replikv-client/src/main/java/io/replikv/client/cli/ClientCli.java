package io.replikv.client.cli;

import java.util.List;

/**
 * The client verbs of the replikv CLI (get, put, append, puthash, delete, status, bench). The
 * server module's Main adds each of these picocli command objects as a subcommand.
 *
 * <p>Exit codes, the same for every verb: 0 ok, 1 definitely not done (or no server reachable),
 * 2 usage error, 3 outcome unknown (a write that may have been applied).
 */
public final class ClientCli {
    private ClientCli() {}

    /** Fresh picocli command objects, one per verb. */
    public static List<Object> subcommands() {
        return List.of(new DataVerbs.Get(), new DataVerbs.Put(), new DataVerbs.Append(), new DataVerbs.PutHash(),
                new DataVerbs.Delete(), new StatusCommand(), new BenchCommand());
    }
}
