package io.replikv.server.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.util.MalformedInputException;
import io.replikv.server.metrics.ServerMetrics;
import io.replikv.server.runtime.ConnectionIds;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Peer messages over TCP. Frame = 4-byte big-endian body length + body; the first frame on a
 * connection is a {@link PeerHello}, every later one a message in the {@link PeerCodec}'s form.
 * Each node sends on connections it opened ({@link PeerLink}, one per peer) and receives on
 * connections peers opened. Garbage, oversized frames or undecodable bodies close only the
 * connection they came on, with a logged reason.
 */
public final class NettyPeerTransport implements PeerTransport {
    private static final Logger log = LoggerFactory.getLogger(NettyPeerTransport.class);

    private final NodeId self;
    private final InetSocketAddress listen;
    private final Supplier<String> advertisedClientAddress;
    private final PeerCodec codec;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ServerMetrics metrics;
    private final Consumer<PeerHello> onHello;
    private final ConcurrentHashMap<NodeId, HostPort> configured = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<NodeId, HostPort> learned = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<NodeId, PeerLink> links = new ConcurrentHashMap<>();
    private final ChannelGroup inbound = new DefaultChannelGroup("peers-in", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger inboundCount = new AtomicInteger();
    private volatile PeerInbox inbox;
    private volatile Channel serverChannel;
    private volatile PeerHello hello;
    private volatile boolean closed;

    /**
     * @param listen                  where to accept peer connections (port 0 picks one); null to only send
     * @param advertisedClientAddress this node's client address, told to peers in the hello
     * @param onHello                 told of every accepted hello (e.g. to learn client addresses)
     */
    public NettyPeerTransport(NodeId self, InetSocketAddress listen, Supplier<String> advertisedClientAddress,
                              PeerCodec codec, EventLoopGroup boss, EventLoopGroup workers, ServerMetrics metrics,
                              Consumer<PeerHello> onHello) {
        this.self = self;
        this.listen = listen;
        this.advertisedClientAddress = advertisedClientAddress;
        this.codec = codec;
        this.boss = boss;
        this.workers = workers;
        this.metrics = metrics;
        this.onHello = onHello;
    }

    @Override
    public void start(PeerInbox inbox) throws InterruptedException {
        this.inbox = inbox;
        if (listen != null) {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            inbound.add(ch);
                            ch.pipeline().addLast("frames", new LengthFieldBasedFrameDecoder(
                                    PeerLimits.FRAME_BYTES_MAX, 0, 4, 0, 4, true));
                            ch.pipeline().addLast("peer", new InboundHandler());
                        }
                    });
            serverChannel = b.bind(listen).sync().channel();
        }
        InetSocketAddress bound = boundAddress();
        hello = new PeerHello(self, bound == null ? "" : HostPort.of(bound).toString(),
                orEmpty(advertisedClientAddress.get()));
        log.info("event=peer_transport_started node={} listen={}", self, bound == null ? "-" : HostPort.of(bound));
    }

    @Override
    public InetSocketAddress boundAddress() {
        Channel ch = serverChannel;
        return ch == null ? null : (InetSocketAddress) ch.localAddress();
    }

    @Override
    public void addPeer(NodeId peer, HostPort address) {
        configured.put(peer, address);
    }

    @Override
    public void send(NodeId to, Message message) {
        if (closed) {
            metrics.peerDropped(to, "stopped");
            return;
        }
        if (addressOf(to) == null) {
            // nobody told us where it listens (configuration or its hello): nowhere to send it
            log.debug("event=peer_address_unknown peer={}", to);
            metrics.peerDropped(to, "no_address");
            return;
        }
        links.computeIfAbsent(to, p -> new PeerLink(this, p, workers.next(), metrics)).enqueue(message);
    }

    @Override
    public void close() {
        closed = true;
        Channel ch = serverChannel;
        if (ch != null) ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        links.values().forEach(PeerLink::close);
        inbound.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    PeerCodec codec() {
        return codec;
    }

    PeerHello hello() {
        return hello;
    }

    /** Where {@code peer} listens: configured first, else learned from its hello; null if unknown. */
    HostPort addressOf(NodeId peer) {
        HostPort a = configured.get(peer);
        return a != null ? a : learned.get(peer);
    }

    static ByteBuf frame(ByteBufAllocator alloc, byte[] body) {
        ByteBuf frame = alloc.buffer(4 + body.length);
        frame.writeInt(body.length);
        frame.writeBytes(body);
        return frame;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /**
     * An address in a hello may name a wildcard host (the peer bound 0.0.0.0): then the peer is
     * reachable at the address its connection came from.
     */
    private static String reachable(String address, InetSocketAddress remote) {
        if (address.isEmpty()) return address;
        try {
            HostPort hp = HostPort.parse(address);
            if ((hp.host().equals("0.0.0.0") || hp.host().equals("::")) && remote != null) {
                return new HostPort(remote.getAddress().getHostAddress(), hp.port()).toString();
            }
            return hp.toString();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** One connection a peer opened to us: hello first, then messages. */
    private final class InboundHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private NodeId from;
        private boolean refused;
        private boolean counted;
        private ScheduledFuture<?> helloTimeout;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            counted = true;
            metrics.peerConnectionOpened();
            if (inboundCount.incrementAndGet() > PeerLimits.INBOUND_CONNECTIONS_MAX) {
                refuse(ctx, "too_many_connections", "limit " + PeerLimits.INBOUND_CONNECTIONS_MAX);
                return;
            }
            helloTimeout = ctx.executor().schedule(() -> refuse(ctx, "hello_timeout",
                    "no hello within " + PeerLimits.HELLO_TIMEOUT_MS + " ms"), PeerLimits.HELLO_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (counted) {
                inboundCount.decrementAndGet();
                metrics.peerConnectionClosed();
            }
            if (helloTimeout != null) helloTimeout.cancel(false);
            if (from != null) log.info("event=peer_inbound_closed peer={}", from);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            if (refused) return;
            byte[] body = ByteBufUtil.getBytes(frame);
            if (from == null) {
                onHelloFrame(ctx, body);
                return;
            }
            Message message;
            try {
                message = codec.decode(body);
            } catch (MalformedInputException e) {
                refuse(ctx, "undecodable", e.getMessage());
                return;
            } catch (RuntimeException e) {
                // A codec must only throw MalformedInputException; anything else is still the peer's bytes.
                refuse(ctx, "undecodable", e.toString());
                return;
            }
            if (message == null) {
                refuse(ctx, "undecodable", "codec returned no message");
                return;
            }
            metrics.peerReceived(from);
            inbox.deliver(from, message);
        }

        private void onHelloFrame(ChannelHandlerContext ctx, byte[] body) {
            PeerHello h;
            try {
                h = PeerHello.decode(body);
            } catch (MalformedInputException e) {
                refuse(ctx, "bad_hello", e.getMessage());
                return;
            }
            if (h.name().equals(self)) {
                refuse(ctx, "bad_hello", "hello names this node");
                return;
            }
            if (ConnectionIds.isConnection(h.name())) {
                refuse(ctx, "bad_hello", "peer name " + h.name() + " has the form of a client connection id");
                return;
            }
            if (helloTimeout != null) helloTimeout.cancel(false);
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            PeerHello fixed = new PeerHello(h.name(), reachable(h.peerAddress(), remote), reachable(h.clientAddress(), remote));
            from = fixed.name();
            if (!fixed.peerAddress().isEmpty()) learned.put(from, HostPort.parse(fixed.peerAddress()));
            onHello.accept(fixed);
            log.info("event=peer_inbound_open peer={} remote={} peer_address={} client_address={}", from, remote,
                    fixed.peerAddress(), fixed.clientAddress());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof DecoderException) {
                refuse(ctx, "bad_frame", String.valueOf(cause.getMessage()));
            } else {
                log.debug("event=peer_inbound_error peer={} error=\"{}\"", from, cause.toString());
                ctx.close();
            }
        }

        private void refuse(ChannelHandlerContext ctx, String reason, String detail) {
            if (refused) return;
            refused = true;
            metrics.peerConnectionRefused(reason);
            log.warn("event=peer_connection_refused remote={} peer={} reason={} detail=\"{}\"",
                    ctx.channel().remoteAddress(), from == null ? "-" : from, reason, detail);
            ctx.close();
        }
    }
}
