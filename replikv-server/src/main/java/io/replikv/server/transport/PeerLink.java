package io.replikv.server.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.server.metrics.ServerMetrics;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound side of one peer: a bounded queue of messages and one TCP connection, opened when
 * there is something to send and reopened with exponential backoff and jitter after a failure.
 * The queue is shared with senders under this object's monitor; everything else lives on the
 * link's event loop.
 */
final class PeerLink {
    private static final Logger log = LoggerFactory.getLogger(PeerLink.class);

    private final NettyPeerTransport transport;
    private final NodeId peer;
    private final EventLoop loop;
    private final ServerMetrics metrics;
    private final ArrayDeque<Message> queue = new ArrayDeque<>();
    private boolean pumpScheduled; // guarded by this

    // event-loop confined
    private Channel channel;
    private boolean connecting;
    private ScheduledFuture<?> reconnect;
    private long backoffMs = PeerLimits.RECONNECT_BACKOFF_MS_MIN;
    private int failuresInRow;
    private boolean closed;

    PeerLink(NettyPeerTransport transport, NodeId peer, EventLoop loop, ServerMetrics metrics) {
        this.transport = transport;
        this.peer = peer;
        this.loop = loop;
        this.metrics = metrics;
    }

    /** Thread-safe. Drops the oldest queued message when the queue is full. */
    void enqueue(Message message) {
        boolean schedule;
        synchronized (this) {
            if (queue.size() >= PeerLimits.OUTBOUND_QUEUE_MESSAGES_MAX) {
                queue.pollFirst();
                metrics.peerDropped(peer, "queue_full");
            }
            queue.addLast(message);
            schedule = !pumpScheduled;
            pumpScheduled = true;
        }
        if (schedule) {
            try {
                loop.execute(this::pump);
            } catch (RejectedExecutionException e) {
                dropAll("stopped");
            }
        }
    }

    /** Moves queued messages to the connection while it is writable, or opens one. */
    private void pump() {
        synchronized (this) {
            pumpScheduled = false;
        }
        if (closed) {
            dropAll("stopped");
            return;
        }
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            maybeConnect();
            return;
        }
        boolean wrote = false;
        while (ch.isWritable()) {
            Message m;
            synchronized (this) {
                m = queue.pollFirst();
            }
            if (m == null) break;
            byte[] body;
            try {
                body = transport.codec().encode(m);
            } catch (RuntimeException e) {
                log.error("event=peer_encode_failed peer={} type={} error=\"{}\"", peer, m.getClass().getSimpleName(), e.toString());
                metrics.peerDropped(peer, "encode_error");
                continue;
            }
            if (body.length > PeerLimits.FRAME_BYTES_MAX) {
                log.error("event=peer_message_too_large peer={} type={} bytes={} limit={}", peer,
                        m.getClass().getSimpleName(), body.length, PeerLimits.FRAME_BYTES_MAX);
                metrics.peerDropped(peer, "too_large");
                continue;
            }
            ch.write(NettyPeerTransport.frame(ch.alloc(), body));
            metrics.peerSent(peer);
            wrote = true;
        }
        if (wrote) ch.flush();
    }

    private void maybeConnect() {
        if (connecting || reconnect != null || closed) return;
        synchronized (this) {
            if (queue.isEmpty()) return;
        }
        HostPort address = transport.addressOf(peer);
        if (address == null) {
            log.debug("event=peer_address_unknown peer={}", peer);
            dropAll("no_address");
            return;
        }
        connecting = true;
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, PeerLimits.CONNECT_TIMEOUT_MS)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(PeerLimits.WRITE_BUFFER_LOW_BYTES, PeerLimits.WRITE_BUFFER_HIGH_BYTES))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new OutboundHandler());
                    }
                });
        b.connect(address.toSocketAddress()).addListener((ChannelFuture f) -> onConnectDone(f, address));
    }

    private void onConnectDone(ChannelFuture f, HostPort address) {
        connecting = false;
        if (closed) {
            if (f.isSuccess()) f.channel().close();
            return;
        }
        if (!f.isSuccess()) {
            failuresInRow++;
            if (failuresInRow == 1) {
                log.info("event=peer_connect_failed peer={} address={} error=\"{}\"", peer, address, f.cause().toString());
            } else {
                log.debug("event=peer_connect_failed peer={} address={} attempt={}", peer, address, failuresInRow);
            }
            scheduleReconnect();
            return;
        }
        failuresInRow = 0;
        backoffMs = PeerLimits.RECONNECT_BACKOFF_MS_MIN;
        channel = f.channel();
        log.info("event=peer_link_up peer={} address={}", peer, address);
        channel.write(NettyPeerTransport.frame(channel.alloc(), transport.hello().encode()));
        channel.closeFuture().addListener(c -> onDisconnected());
        pump();
    }

    private void onDisconnected() {
        channel = null;
        if (closed) return;
        log.info("event=peer_link_down peer={}", peer);
        scheduleReconnect(); // a peer that closes us at once (bad hello, limits) must not cause a busy loop
    }

    private void scheduleReconnect() {
        long jitter = ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1);
        long delay = backoffMs / 2 + jitter;
        backoffMs = Math.min(backoffMs * 2, PeerLimits.RECONNECT_BACKOFF_MS_MAX);
        reconnect = loop.schedule(() -> {
            reconnect = null;
            maybeConnect();
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void dropAll(String reason) {
        int n;
        synchronized (this) {
            n = queue.size();
            queue.clear();
        }
        for (int i = 0; i < n; i++) metrics.peerDropped(peer, reason);
    }

    /** Closes the connection and drops the queue; safe from any thread. */
    void close() {
        try {
            loop.execute(() -> {
                closed = true;
                if (reconnect != null) reconnect.cancel(false);
                if (channel != null) channel.close();
                dropAll("stopped");
            });
        } catch (RejectedExecutionException e) {
            dropAll("stopped");
        }
    }

    /** Peers never write to our outbound connections; whatever arrives is discarded. */
    private final class OutboundHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) pump();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("event=peer_link_error peer={} error=\"{}\"", peer, cause.toString());
            ctx.close();
        }
    }

}
