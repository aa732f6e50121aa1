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
 * (one event-loop thread, the peer transport, HTTP status) but with no client port. With
 * {@code --peers} it runs one member of a replicated view service, a Raft group that keeps its
 * term, vote and log in {@code --data} (docs/viewservice.md): for mode pb the bespoke
 * {@code vsraft} node, for mode 2pc the group view service run as a replicated state machine.
 */
@Command(name = "viewservice", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the view service of mode pb (primary + backups) or 2pc (the replica group).")
final class ViewServiceCommand implements Callable<Integer> {
    @Option(names = "--mode", defaultValue = "pb", description = "Which scheme's view service: pb or 2pc (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--name", defaultValue = "vs", description = "Node name; servers know a single view service as 'vs' (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--peer", converter = HostPortConverter.class,
            description = "Peer address servers ping (default: this member's address in --peers, else 127.0.0.1:7100).")
    HostPort peer;

    @Option(names = "--peers", description = "Replicated: every member of the view service, NAME=HOST:PORT,... "
            + "(3 or 5 members; this one, named by --name, included).")
    String peers;

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
        ServerConfig config;
        try {
            PeerSpec.validateName(name);
            List<PeerSpec> members = PeerSpec.parseList(peers);
            factory = members.isEmpty() ? factory() : replicatedFactory(members);
            HostPort listen = peer != null ? peer : members.stream().filter(m -> m.name().name().equals(name))
                    .map(PeerSpec::peer).findFirst().orElse(HostPort.parse(DEFAULT_PEER));
            List<PeerSpec> others = members.stream().filter(m -> !m.name().name().equals(name)).toList();
            config = new ServerConfig(factory.mode(), NodeId.of(name), null, listen, http,
                    data != null ? data : Path.of("replikv-data", name), List.of(), others, tickMs,
                    io.replikv.server.storage.StorageOptions.DEFAULT);
        } catch (IllegalArgumentException e) {
            System.err.println("replikv: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        return ServerCommand.serve(config, new ModeRegistry().register(factory), parentPid, name);
    }

    /** Where a single view service listens when neither --peer nor --peers says. */
    static final String DEFAULT_PEER = "127.0.0.1:7100";

    private ModeFactory replicatedFactory(List<PeerSpec> members) {
        if (members.stream().map(PeerSpec::name).distinct().count() != members.size()) {
            throw new IllegalArgumentException("--peers names a member twice: " + peers);
        }
        if (members.stream().noneMatch(m -> m.name().name().equals(name))) {
            throw new IllegalArgumentException("--peers must list this member too (--name " + name + ")");
        }
        if (members.size() < 3) {
            throw new IllegalArgumentException("a replicated view service has at least 3 members (a majority must survive one failure)");
        }
        return switch (mode) {
            case "pb" -> io.replikv.server.runtime.ReplicatedViewServiceModeFactory.pb(backups);
            case "2pc" -> io.replikv.server.runtime.ReplicatedViewServiceModeFactory.twoPc(replicaNames());
            default -> throw new IllegalArgumentException("--mode must be pb or 2pc, not '" + mode + "'");
        };
    }

    /** Mode 2pc: the replicas named by --members, validated, sorted, without repeats. */
    private List<NodeId> replicaNames() {
        List<NodeId> names = new ArrayList<>();
        for (String m : members) {
            PeerSpec.validateName(m.trim());
            names.add(NodeId.of(m.trim()));
        }
        return names.stream().distinct().sorted().toList();
    }

    private ModeFactory factory() {
        return switch (mode) {
            case "2pc" -> new GroupViewModeFactory(replicaNames());
            case "pb" -> new io.replikv.server.runtime.ViewServiceModeFactory(backups);
            default -> throw new IllegalArgumentException("--mode must be pb or 2pc, not '" + mode + "'");
        };
    }
}
