package io.replikv.server.cli;

import io.replikv.core.NodeId;
import io.replikv.server.ServerConfig;
import io.replikv.server.ServerShell;
import io.replikv.server.runtime.GroupViewModeFactory;
import io.replikv.server.runtime.ModeFactory;
import io.replikv.server.runtime.ModeRegistry;
import io.replikv.server.runtime.PeerSpec;
import io.replikv.server.runtime.RuntimeLimits;
import io.replikv.server.transport.HostPort;
import io.replikv.server.transport.PeerCodecs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code replikv viewservice}: the view service of modes pb and 2pc, hosted like any other core
 * (one event-loop thread, the peer transport, HTTP status) but with no client port.
 */
@Command(name = "viewservice", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the view service of mode pb (primary + backups) or 2pc (the replica group).")
final class ViewServiceCommand implements Callable<Integer> {
    @Option(names = "--mode", defaultValue = "pb", description = "Which scheme's view service: pb or 2pc (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--name", defaultValue = "vs", description = "Node name; servers know the view service as 'vs' (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--peer", defaultValue = "127.0.0.1:7100", converter = HostPortConverter.class,
            description = "Peer address servers ping (default: ${DEFAULT-VALUE}).")
    HostPort peer;

    @Option(names = "--http", defaultValue = "127.0.0.1:7200", converter = HostPortConverter.class,
            description = "HTTP status address (default: ${DEFAULT-VALUE}).")
    HostPort http;

    @Option(names = "--data", description = "Data directory (default: replikv-data/NAME).")
    Path data;

    @Option(names = "--members", split = ",", description = "Mode 2pc: the names of every replica of the group, e.g. n1,n2,n3.")
    List<String> members = new ArrayList<>();

    @Option(names = "--backups", defaultValue = "1",
            description = "Mode pb: backups per view, 1.." + io.replikv.core.viewservice.ViewServiceConfig.BACKUPS_LIMIT
                    + " (default: ${DEFAULT-VALUE}; 1 is the original design).")
    int backups;

    @Option(names = "--tick-ms", defaultValue = "" + RuntimeLimits.TICK_MS_DEFAULT,
            description = "Milliseconds per core tick (default: ${DEFAULT-VALUE}).")
    int tickMs;

    @Option(names = "--parent-pid", hidden = true, description = "Stop when this process (and our stdin) goes away.")
    Long parentPid;

    @Override
    public Integer call() {
        ModeFactory factory;
        try {
            factory = factory();
            PeerSpec.validateName(name);
        } catch (IllegalArgumentException e) {
            System.err.println("replikv: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        ServerConfig config = new ServerConfig(factory.mode(), NodeId.of(name), null, peer, http,
                data != null ? data : Path.of("replikv-data", name), null, List.of(), tickMs,
                io.replikv.server.storage.StorageOptions.DEFAULT);
        return ServerCommand.serve(config, new ModeRegistry().register(factory), parentPid, name);
    }

    private ModeFactory factory() {
        return switch (mode) {
            case "2pc" -> {
                List<NodeId> names = new ArrayList<>();
                for (String m : members) {
                    PeerSpec.validateName(m.trim());
                    names.add(NodeId.of(m.trim()));
                }
                yield new GroupViewModeFactory(names.stream().distinct().sorted().toList());
            }
            case "pb" -> new io.replikv.server.runtime.ViewServiceModeFactory(backups);
            default -> throw new IllegalArgumentException("--mode must be pb or 2pc, not '" + mode + "'");
        };
    }
}
