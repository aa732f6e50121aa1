package io.replikv.server.cli;

import io.replikv.client.cli.ClientCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The replikv command line: {@code replikv <verb> [options]}; {@code replikv <verb> --help} explains each. */
@Command(name = "replikv", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "A replicated, fault-tolerant key-value store that speaks RESP.",
        subcommands = {ServerCommand.class, ClusterCommand.class, ViewServiceCommand.class, DataCommand.class,
                CheckCommand.class, SimulateCommand.class})
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The full command tree: the server verbs here plus the client verbs of replikv-client. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (Object verb : ClientCli.subcommands()) cl.addSubcommand(verb);
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
