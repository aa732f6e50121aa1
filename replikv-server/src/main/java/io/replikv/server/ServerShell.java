package io.replikv.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.replikv.core.Node;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Prng;
import io.replikv.server.http.HttpApi;
import io.replikv.server.metrics.ServerMetrics;
import io.replikv.server.resp.RespServer;
import io.replikv.server.runtime.AddressBook;
import io.replikv.server.runtime.FatalHandler;
import io.replikv.server.runtime.ModeContext;
import io.replikv.server.runtime.ModeFactory;
import io.replikv.server.runtime.ModeRegistry;
import io.replikv.server.runtime.ModeUnavailableException;
import io.replikv.server.runtime.NodeConfig;
import io.replikv.server.runtime.NodeRuntime;
import io.replikv.server.runtime.PeerSpec;
import io.replikv.server.runtime.RuntimeLimits;
import io.replikv.server.storage.FileStorage;
import io.replikv.server.transport.HostPort;
import io.replikv.server.transport.NettyPeerTransport;
import io.replikv.server.transport.PeerCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server process, wired: the mode's core on its {@link NodeRuntime}, the peer transport, the
 * RESP front door and the HTTP endpoints. {@link #stop} shuts down gracefully: stop accepting,
 * let connections finish the replies they owe (bounded), then close everything.
 */
public final class ServerShell implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerShell.class);

    /** Netty I/O threads for client and peer connections: the node has its own thread. */
    static final int IO_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final ServerConfig config;
    private final AddressBook addresses;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final NodeRuntime runtime;
    private final NettyPeerTransport transport;
    private final RespServer resp;
    private final HttpApi http;
    private final Storage storage;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean serving;

    private ServerShell(ServerConfig config, ModeFactory factory, PeerCodec codec, FatalHandler fatal) throws IOException {
        this.config = config;
        ServerMetrics metrics = new ServerMetrics();
        addresses = new AddressBook(config.name());
        for (PeerSpec p : config.peers()) {
            if (p.client() != null) addresses.configureClientAddress(p.name(), p.client().toString());
        }
        long seed = new SecureRandom().nextLong();
        storage = config.dataDir() == null ? new MemoryStorage() : FileStorage.open(config.dataDir(), config.storage());
        NodeConfig nodeConfig = new NodeConfig(config.mode(), config.name(), config.peers(), config.viewService(),
                config.tickMs(), seed, config.dataDir());
        Node node;
        try {
            node = factory.create(new ModeContext(nodeConfig, storage, new Prng(seed)));
        } catch (RuntimeException e) {
            if (storage instanceof FileStorage files) closeStorage(files); // release the directory's lock
            throw e;
        }
        log.info("event=node_created node={} mode={} seed={}", config.name(), config.mode(), seed);
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("accept", true), NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(IO_THREADS, new DefaultThreadFactory("io", true), NioIoHandler.newFactory());
        transport = new NettyPeerTransport(config.name(), config.peer().toSocketAddress(), addresses::clientAddress, codec,
                boss, workers, metrics, hello -> addresses.learnClientAddress(hello.name(), hello.clientAddress()));
        for (PeerSpec p : config.peers()) transport.addPeer(p.name(), p.peer());
        if (config.viewService() != null) transport.addPeer(NodeConfig.VIEW_SERVICE, config.viewService());
        runtime = new NodeRuntime(node, storage, transport, metrics, fatal, config.tickMs());
        resp = new RespServer(runtime, addresses, metrics, boss, workers);
        http = new HttpApi(runtime, factory, addresses, metrics, () -> serving);
    }

    /**
     * Builds and starts a server. Throws {@link ModeUnavailableException} for a mode this build
     * lacks and IllegalArgumentException for a configuration the mode refuses, before binding anything.
     */
    public static ServerShell start(ServerConfig config, ModeRegistry modes, PeerCodec codec, FatalHandler fatal)
            throws ModeUnavailableException, IOException, InterruptedException {
        ModeFactory factory = modes.lookup(config.mode());
        if (config.dataDir() != null) Files.createDirectories(config.dataDir());
        ServerShell shell = new ServerShell(config, factory, codec, fatal);
        try {
            shell.bindAndRun();
        } catch (IOException | InterruptedException | RuntimeException e) {
            shell.close();
            throw e;
        }
        return shell;
    }

    private void bindAndRun() throws IOException, InterruptedException {
        if (config.client() != null) { // a view service serves no clients
            InetSocketAddress client = resp.bind(config.client().toSocketAddress());
            addresses.setClientAddress(advertised(config.client(), client));
        }
        transport.start(runtime);
        addresses.setPeerAddress(advertised(config.peer(), transport.boundAddress()));
        runtime.start();
        if (config.http() != null) addresses.setHttpAddress(advertised(config.http(), http.start(config.http().toSocketAddress())));
        serving = true;
        log.info("event=listening name={} mode={} client={} peer={} http={} pid={}", config.name(), config.mode(),
                addresses.clientAddress(), addresses.peerAddress(), addresses.httpAddress(), ProcessHandle.current().pid());
    }

    /** The address to tell others: the configured host (or this machine's, for a wildcard) and the bound port. */
    private static String advertised(HostPort requested, InetSocketAddress bound) {
        String host = requested.host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("*")) {
            try {
                host = InetAddress.getLocalHost().getHostAddress();
            } catch (UnknownHostException e) {
                host = "127.0.0.1";
            }
        }
        return new HostPort(host, bound.getPort()).toString();
    }

    public AddressBook addresses() {
        return addresses;
    }

    public NodeRuntime runtime() {
        return runtime;
    }

    /** Graceful stop; safe to call more than once and from a shutdown hook. */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            awaitStopped(RuntimeLimits.SHUTDOWN_GRACE_MS * 3);
            return;
        }
        serving = false;
        log.info("event=server_stopping name={}", config.name());
        resp.stopAccepting();
        boolean drained = runtime.failed() || resp.drain(RuntimeLimits.SHUTDOWN_GRACE_MS);
        close();
        log.info("event=server_stopped name={} drained={}", config.name(), drained);
    }

    @Override
    public void close() {
        try {
            http.close();
            resp.close();
            runtime.close();
            if (storage instanceof FileStorage files) closeStorage(files);
            transport.close();
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        } finally {
            stopped.countDown();
        }
    }

    private static void closeStorage(FileStorage files) {
        try {
            files.close();
        } catch (IOException e) {
            log.error("event=storage_close_failed dir={} error=\"{}\"", files.dir(), e.toString());
        }
    }

    /** Waits until the server has stopped (or the timeout passes); true if it has. */
    public boolean awaitStopped(long timeoutMillis) {
        try {
            return stopped.await(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }
}
