package io.replikv.server.resp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.replikv.server.metrics.ServerMetrics;
import io.replikv.server.runtime.AddressBook;
import io.replikv.server.runtime.NodeGateway;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The RESP front door: accepts client connections on the client port, one {@link RespConnection} each. */
public final class RespServer implements AutoCloseable {
    /** Write buffer of a client connection, in bytes: above the high mark the connection stops reading. */
    static final int WRITE_BUFFER_LOW_BYTES = 256 * 1024;
    static final int WRITE_BUFFER_HIGH_BYTES = 2 * 1024 * 1024;

    private final NodeGateway gateway;
    private final ServerMetrics metrics;
    private final Commands commands;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final AtomicInteger connections = new AtomicInteger();
    private final ChannelGroup channels = new DefaultChannelGroup("resp", GlobalEventExecutor.INSTANCE);
    private Channel serverChannel;

    public RespServer(NodeGateway gateway, AddressBook addresses, ServerMetrics metrics, EventLoopGroup boss,
                      EventLoopGroup workers) {
        this.gateway = gateway;
        this.metrics = metrics;
        this.commands = new Commands(addresses, metrics::clientConnectionCount);
        this.boss = boss;
        this.workers = workers;
    }

    /** Binds the client port and starts accepting; returns the bound address (port 0 picks one). */
    public InetSocketAddress bind(InetSocketAddress address) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(WRITE_BUFFER_LOW_BYTES, WRITE_BUFFER_HIGH_BYTES))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        ch.pipeline().addLast("resp", new RespConnection(RespServer.this, gateway, commands, metrics));
                    }
                });
        serverChannel = b.bind(address).sync().channel();
        return (InetSocketAddress) serverChannel.localAddress();
    }

    boolean tryAcquireConnection() {
        while (true) {
            int n = connections.get();
            if (n >= RespLimits.CONNECTIONS_MAX) return false;
            if (connections.compareAndSet(n, n + 1)) return true;
        }
    }

    void releaseConnection() {
        connections.decrementAndGet();
    }

    public int connectionCount() {
        return connections.get();
    }

    /** Stops accepting new connections; open ones go on. */
    public void stopAccepting() {
        if (serverChannel != null) serverChannel.close().syncUninterruptibly();
    }

    /**
     * Lets every connection finish the replies it owes, then closes it. Returns false if some
     * were still open at the deadline (they are closed anyway by {@link #close}).
     */
    public boolean drain(long timeoutMillis) {
        List<Channel> open = new ArrayList<>(channels);
        for (Channel ch : open) {
            RespConnection c = ch.pipeline().get(RespConnection.class);
            if (c != null) ch.eventLoop().execute(c::drain);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (Channel ch : open) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !ch.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) return false;
        }
        return true;
    }

    @Override
    public void close() {
        stopAccepting();
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
