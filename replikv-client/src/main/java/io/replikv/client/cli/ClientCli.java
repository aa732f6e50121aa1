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

    /**
     * The client verbs on their own, for running them without the server module (the real entry
     * point is the server's Main, which adds the same verbs): {@code java -cp ... io.replikv.client.cli.ClientCli bench ...}.
     */
    public static void main(String[] args) {
        picocli.CommandLine cli = new picocli.CommandLine(new Root());
        for (Object verb : subcommands()) cli.addSubcommand(verb);
        System.exit(cli.execute(args));
    }

    @picocli.CommandLine.Command(name = "replikv", mixinStandardHelpOptions = true,
            description = "replikv client verbs (standalone).")
    static final class Root {}

    /** Fresh picocli command objects, one per verb. */
    public static List<Object> subcommands() {
        return List.of(new DataVerbs.Get(), new DataVerbs.Put(), new DataVerbs.Append(), new DataVerbs.PutHash(),
                new DataVerbs.Delete(), new StatusCommand(), new BenchCommand());
    }
}
