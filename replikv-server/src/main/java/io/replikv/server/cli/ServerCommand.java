package io.replikv.server.cli;

import io.replikv.core.NodeId;
import io.replikv.server.ServerConfig;
import io.replikv.server.ServerShell;
import io.replikv.server.runtime.FatalHandler;
import io.replikv.server.runtime.ModeRegistry;
import io.replikv.server.runtime.ModeUnavailableException;
import io.replikv.server.runtime.PeerSpec;
import io.replikv.server.runtime.RuntimeLimits;
import io.replikv.server.storage.CorruptDataException;
import io.replikv.server.storage.DataDirLockedException;
import io.replikv.server.storage.FsyncMode;
import io.replikv.server.storage.StorageLimits;
import io.replikv.server.storage.StorageOptions;
import io.replikv.server.transport.HostPort;
import io.replikv.server.transport.PeerCodecs;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code replikv server}: runs one server until SIGTERM or Ctrl-C. */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs one replikv server (RESP on --client, peers on --peer, HTTP on --http).")
final class ServerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);

    @Option(names = "--mode", defaultValue = "single", description = "Replication mode: single, pb, 2pc, raft (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--name", defaultValue = "n1", description = "This node's name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--client", defaultValue = "127.0.0.1:7001", converter = HostPortConverter.class,
            description = "RESP address for clients; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
    HostPort client;

    @Option(names = "--peer", defaultValue = "127.0.0.1:7101", converter = HostPortConverter.class,
            description = "Address for peer connections (default: ${DEFAULT-VALUE}).")
    HostPort peer;

    @Option(names = "--http", defaultValue = "127.0.0.1:7201", converter = HostPortConverter.class,
            description = "HTTP address for /v1/status, /metrics, /livez, /readyz (default: ${DEFAULT-VALUE}).")
    HostPort http;

    @Option(names = "--data", description = "Data directory (default: replikv-data/NAME). Created if missing.")
    Path data;

    @Option(names = "--viewservice", converter = HostPortConverter.class,
            description = "The view service's peer address (modes pb and 2pc).")
    HostPort viewService;

    @Option(names = "--peers", description = "The other servers: NAME=HOST:PORT[/CLIENT_HOST:PORT],... (peer address, optional client address).")
    String peers;

    @Option(names = "--tick-ms", defaultValue = "" + RuntimeLimits.TICK_MS_DEFAULT,
            description = "Milliseconds per core tick, 1..1000 (default: ${DEFAULT-VALUE}).")
    int tickMs;

    @Option(names = "--fsync", defaultValue = "always", converter = FsyncModeConverter.class,
            description = "When writes reach the disk: always (every acknowledged write is fsynced first) or batch "
                    + "(fsync every --fsync-interval-ms; a power loss can lose that much) (default: ${DEFAULT-VALUE}).")
    FsyncMode fsync;

    @Option(names = "--fsync-interval-ms", defaultValue = "" + StorageLimits.FSYNC_INTERVAL_MS_DEFAULT,
            description = "With --fsync batch: how often the log is fsynced, 1..1000 ms (default: ${DEFAULT-VALUE}).")
    int fsyncIntervalMs;

    @Option(names = "--parent-pid", hidden = true, description = "Stop when this process (and our stdin) goes away.")
    Long parentPid;

    @Override
    public Integer call() {
        ServerConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            System.err.println("replikv: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        return serve(config, ModeRegistry.standard(), parentPid, name);
    }

    /** Starts a shell for {@code config} and waits until it stops; the exit code of the process. */
    static int serve(ServerConfig config, ModeRegistry modes, Long parentPid, String name) {
        ServerShell shell;
        try {
            shell = ServerShell.start(config, modes, PeerCodecs.standard(), exitOnFatal());
        } catch (ModeUnavailableException | IllegalArgumentException e) {
            System.err.println("replikv: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (DataDirLockedException | CorruptDataException e) {
            log.error("event=start_failed name={} error=\"{}\"", name, e.getMessage());
            System.err.println("replikv: cannot start: " + e.getMessage());
            return ExitCodes.FAILURE;
        } catch (Exception e) {
            log.error("event=start_failed name={} error=\"{}\"", name, e.toString());
            System.err.println("replikv: cannot start: " + e);
            return ExitCodes.FAILURE;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(shell::stop, "shutdown"));
        if (parentPid != null) ParentWatch.watch(parentPid, () -> System.exit(ExitCodes.OK));
        try {
            shell.awaitStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return shell.runtime().failed() ? ExitCodes.NODE_FAILED : ExitCodes.OK;
    }

    ServerConfig config() {
        PeerSpec.validateName(name);
        if (tickMs < RuntimeLimits.TICK_MS_MIN || tickMs > RuntimeLimits.TICK_MS_MAX) {
            throw new IllegalArgumentException("--tick-ms must be " + RuntimeLimits.TICK_MS_MIN + ".." + RuntimeLimits.TICK_MS_MAX);
        }
        // --peers may list every member, this node included (one list for the whole cluster)
        List<PeerSpec> specs = PeerSpec.parseList(peers).stream().filter(p -> !p.name().name().equals(name)).toList();
        Path dir = data != null ? data : Path.of("replikv-data", name);
        StorageOptions storage = StorageOptions.DEFAULT.withFsync(fsync, fsyncIntervalMs);
        return new ServerConfig(mode, NodeId.of(name), client, peer, http, dir, viewService, specs, tickMs, storage);
    }

    /** A node that broke an invariant stops the process, non-zero, after the shutdown hook ran. */
    static FatalHandler exitOnFatal() {
        return (node, cause) -> {
            Thread exit = new Thread(() -> System.exit(ExitCodes.NODE_FAILED), "fatal-exit");
            exit.start();
        };
    }
}
