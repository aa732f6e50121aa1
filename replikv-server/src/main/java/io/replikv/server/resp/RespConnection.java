package io.replikv.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Reply;
import io.replikv.server.metrics.ServerMetrics;
import io.replikv.server.runtime.ClientSink;
import io.replikv.server.runtime.NodeGateway;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RESP client connection. Commands are parsed in order and each gets a slot in a queue of
 * pending replies; the node answers asynchronously (replies may even arrive out of order), and
 * replies are written strictly in request order as the head of the queue completes. With
 * {@link RespLimits#COMMANDS_IN_FLIGHT_MAX} slots taken, or the socket's write buffer full, the
 * connection stops reading (back-pressure). All state lives on the channel's event-loop thread.
 */
final class RespConnection extends ChannelInboundHandlerAdapter implements ClientSink {
    private static final Logger log = LoggerFactory.getLogger(RespConnection.class);

    /** How long INFO and REPLIKV.TOPOLOGY wait for the node's status before answering TRYAGAIN BUSY. */
    static final long STATUS_TIMEOUT_MS = 2_000;

    private final RespServer server;
    private final NodeGateway gateway;
    private final Commands commands;
    private final ServerMetrics metrics;
    private final RespParser parser = new RespParser();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final HashMap<Long, Part> parts = new HashMap<>();

    private ChannelHandlerContext ctx;
    private ClientSession session;
    private ByteBuf buffer;
    private long nextCorrelation = 1;
    private boolean accepted;
    /** No more commands are read: QUIT or a protocol error; close after the last reply. */
    private boolean closing;
    /** The server is shutting down: finish what is in flight, then close. */
    private boolean draining;

    /** A command's reply slot. */
    private static final class Pending {
        final String command;
        final long startNanos = System.nanoTime();
        int protocol;
        RespValue reply;
        boolean closeAfter;
        Reply[] replies;
        int missing;
        Function<List<Reply>, RespValue> combine;

        Pending(String command) {
            this.command = command;
        }
    }

    private record Part(Pending pending, int index) {}

    RespConnection(RespServer server, NodeGateway gateway, Commands commands, ServerMetrics metrics) {
        this.server = server;
        this.gateway = gateway;
        this.commands = commands;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (!server.tryAcquireConnection()) {
            metrics.clientConnectionRejected();
            log.warn("event=client_rejected remote={} reason=connection_limit limit={}",
                    ctx.channel().remoteAddress(), RespLimits.CONNECTIONS_MAX);
            ByteBuf out = ctx.alloc().buffer();
            RespEncoder.write(new RespValue.Error("ERR max number of clients reached"), 2, out);
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        accepted = true;
        NodeId id = gateway.registerConnection(this);
        session = new ClientSession(id, Long.parseLong(id.name().substring(1)));
        buffer = ctx.alloc().buffer();
        metrics.clientConnectionOpened();
        log.debug("event=client_connected conn={} remote={}", id, ctx.channel().remoteAddress());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!accepted) return;
        accepted = false;
        gateway.unregisterConnection(session.connection());
        server.releaseConnection();
        metrics.clientConnectionClosed();
        buffer.release();
        buffer = null;
        pending.clear();
        parts.clear();
        log.debug("event=client_disconnected conn={}", session.connection());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (!accepted || closing || draining) return;
            buffer.writeBytes(in);
        } finally {
            in.release();
        }
        pump();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (accepted) pump();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("event=client_connection_error conn={} error={}", session == null ? "-" : session.connection(),
                cause.toString());
        ctx.close();
    }

    /** Called on the node thread: hands the reply to this connection's thread. */
    @Override
    public void deliver(ClientReply reply) {
        try {
            ctx.executor().execute(() -> onReply(reply));
        } catch (RejectedExecutionException e) {
            // the event loop is shutting down with the connection; the reply has nowhere to go
        }
    }

    /** Shutdown: read nothing more, close once every pending reply is written. */
    void drain() {
        if (!accepted) return;
        draining = true;
        updateReading();
        if (pending.isEmpty()) ctx.close();
    }

    private void onReply(ClientReply reply) {
        Part part = parts.remove(reply.correlation());
        if (part == null || !accepted) return; // a duplicate, or the connection is gone
        completePart(part.pending(), part.index(), reply.reply());
        pump();
    }

    private void completePart(Pending p, int index, Reply reply) {
        if (p.replies[index] != null) return;
        p.replies[index] = reply;
        if (--p.missing == 0) {
            try {
                p.reply = p.combine.apply(Arrays.asList(p.replies));
            } catch (RuntimeException e) {
                log.error("event=reply_mapping_failed conn={} command={}", session.connection(), p.command, e);
                p.reply = new RespValue.Error("UNKNOWN internal error while mapping the reply");
            }
        }
    }

    /** Parses what it may, writes what is ready; repeats while writing frees room for more commands. */
    private void pump() {
        while (accepted) {
            parseCommands();
            if (writeReady() == 0 || !canParse() || !buffer.isReadable()) break;
        }
        updateReading();
    }

    private boolean canParse() {
        return accepted && !closing && !draining && pending.size() < RespLimits.COMMANDS_IN_FLIGHT_MAX;
    }

    private void parseCommands() {
        while (canParse()) {
            List<byte[]> args;
            try {
                args = parser.next(buffer);
            } catch (RespProtocolException e) {
                onProtocolError(e);
                return;
            }
            if (args == null) break;
            dispatch(args);
        }
        buffer.discardSomeReadBytes();
    }

    private void onProtocolError(RespProtocolException e) {
        closing = true;
        metrics.protocolError();
        log.info("event=resp_protocol_error conn={} remote={} reason=\"{}\"", session.connection(),
                ctx.channel().remoteAddress(), e.getMessage());
        Pending p = new Pending("protocol");
        p.protocol = session.protocol();
        p.reply = new RespValue.Error("ERR Protocol error: " + e.getMessage());
        p.closeAfter = true;
        pending.add(p);
        buffer.clear();
    }

    private void dispatch(List<byte[]> args) {
        Pending p = new Pending(Commands.metricName(args));
        Action action;
        try {
            action = commands.handle(args, session);
        } catch (RuntimeException e) {
            log.error("event=command_failed conn={} command={}", session.connection(), p.command, e);
            action = Action.answer(new RespValue.Error("ERR internal error: " + e));
        }
        p.protocol = session.protocol(); // after HELLO switched it: HELLO answers in the new protocol
        pending.add(p);
        switch (action) {
            case Action.Answer a -> {
                p.reply = a.reply();
                if (a.close()) {
                    p.closeAfter = true;
                    closing = true;
                }
            }
            case Action.Submit s -> submit(p, s);
            case Action.WithStatus w -> withStatus(p, w.render());
        }
    }

    private void submit(Pending p, Action.Submit s) {
        int n = s.requests().size();
        p.replies = new Reply[n];
        p.missing = n;
        p.combine = s.combine();
        for (int i = 0; i < n; i++) {
            long correlation = nextCorrelation++;
            parts.put(correlation, new Part(p, i));
            if (!gateway.submit(session.connection(), new ClientRequest(correlation, s.requests().get(i)))) {
                parts.remove(correlation);
                completePart(p, i, new Reply.Rejected(Reply.RejectCode.BUSY, "the node's inbox is full", null));
            }
        }
    }

    private void withStatus(Pending p, Function<NodeStatus, RespValue> render) {
        gateway.status().orTimeout(STATUS_TIMEOUT_MS, TimeUnit.MILLISECONDS).whenComplete((status, error) -> {
            try {
                ctx.executor().execute(() -> {
                    RespValue reply;
                    try {
                        reply = error == null ? render.apply(status)
                                : new RespValue.Error("TRYAGAIN BUSY the node's status is not available: " + error);
                    } catch (RuntimeException e) {
                        log.error("event=status_render_failed conn={} command={}", session.connection(), p.command, e);
                        reply = new RespValue.Error("ERR internal error: " + e);
                    }
                    p.reply = reply;
                    pump();
                });
            } catch (RejectedExecutionException e) {
                // the connection's event loop is gone
            }
        });
    }

    /** Writes every completed reply at the head of the queue, in request order. */
    private int writeReady() {
        int written = 0;
        ByteBuf out = null;
        boolean close = false;
        while (!pending.isEmpty() && pending.peek().reply != null) {
            Pending p = pending.poll();
            if (out == null) out = ctx.alloc().buffer();
            RespEncoder.write(p.reply, p.protocol, out);
            metrics.request(p.command, outcome(p.reply), System.nanoTime() - p.startNanos);
            written++;
            if (p.closeAfter) {
                close = true;
                break;
            }
        }
        if (out != null) {
            var future = ctx.writeAndFlush(out);
            if (close || (draining && pending.isEmpty())) {
                pending.clear();
                future.addListener(ChannelFutureListener.CLOSE);
            }
        } else if (draining && pending.isEmpty()) {
            ctx.close();
        }
        return written;
    }

    private void updateReading() {
        if (!accepted) return;
        boolean read = canParse() && ctx.channel().isWritable();
        if (ctx.channel().config().isAutoRead() != read) ctx.channel().config().setAutoRead(read);
    }

    static String outcome(RespValue reply) {
        if (!(reply instanceof RespValue.Error e)) return "ok";
        String text = e.text();
        if (text.startsWith("ERR REFUSED")) return "refused";
        if (text.startsWith("TRYAGAIN")) return "tryagain";
        if (text.startsWith("UNKNOWN")) return "unknown";
        return "err";
    }

    NodeId connection() {
        return session == null ? null : session.connection();
    }

    @Override
    public String toString() {
        return "RespConnection[" + (session == null ? "-" : session.connection()) + "]";
    }

}
