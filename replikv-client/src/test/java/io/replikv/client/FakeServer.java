package io.replikv.client;

import io.replikv.client.resp.RespReader;
import io.replikv.client.resp.RespValue;
import io.replikv.client.resp.RespWriter;
import io.replikv.core.Effects;
import io.replikv.core.NodeId;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Reply;
import io.replikv.core.single.SingleServerCore;
import io.replikv.core.util.Bytes;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A tiny RESP server for tests: it hosts a {@link SingleServerCore} on a loopback port and speaks
 * the replikv contract (plain GET/SET/APPEND/DEL/PUTHASH, REPLIKV.REQ, REPLIKV.TOPOLOGY, PING),
 * with switches a test flips to script failures: answer as a follower with a leader hint, stay
 * silent, drop the connection after applying, expire sessions.
 */
public final class FakeServer implements AutoCloseable {
    public final String name;
    public final SingleServerCore core;
    private final FakeCluster cluster;
    private final ServerSocket listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** Non-null: answer data commands with TRYAGAIN WRONG_SERVER leader=<this>. */
    public volatile String followerOf;
    /** Read data commands but never answer them (topology and PING are still answered). */
    public volatile boolean silent;
    /** Apply the next n data commands, then close the connection instead of replying. */
    public final AtomicInteger dropAfterApply = new AtomicInteger();
    /** Refuse the next n tagged requests as SESSION_EXPIRED. */
    public final AtomicInteger expireSessions = new AtomicInteger();
    /** Every command received, as text, in arrival order. */
    public final List<String> received = new CopyOnWriteArrayList<>();

    FakeServer(String name, FakeCluster cluster) throws IOException {
        this.name = name;
        this.cluster = cluster;
        this.core = new SingleServerCore(NodeId.of(name));
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("fake-" + name).start(this::acceptLoop);
    }

    public int port() {
        return listener.getLocalPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }

    /** The value the core holds for {@code key}, or null. */
    public String value(String key) {
        lock.lock();
        try {
            return switch (core.stateMachine().read(new Command.Get(Bytes.of(key)))) {
                case io.replikv.core.kv.Result.Value v -> v.value().utf8();
                default -> null;
            };
        } finally {
            lock.unlock();
        }
    }

    /** Received commands that start with {@code prefix}. */
    public List<String> receivedStartingWith(String prefix) {
        return received.stream().filter(c -> c.startsWith(prefix)).toList();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                sockets.add(socket);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            RespReader reader = new RespReader(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            while (true) {
                RespValue reply = handle(reader.read(), socket);
                if (socket.isClosed()) return;
                if (reply != null) RespWriter.write(out, reply);
                out.flush();
            }
        } catch (IOException e) {
            // the client went away, or the test closed us
        }
    }

    private RespValue handle(RespValue command, Socket socket) throws IOException {
        if (!(command instanceof RespValue.Array array)) return new RespValue.ErrorReply("ERR expected an array of bulk strings");
        List<Bytes> parts = new ArrayList<>();
        for (RespValue part : array.items()) {
            if (!(part instanceof RespValue.Bulk bulk)) return new RespValue.ErrorReply("ERR expected bulk strings");
            parts.add(bulk.value());
        }
        if (parts.isEmpty()) return new RespValue.ErrorReply("ERR empty command");
        received.add(String.join(" ", parts.stream().map(Bytes::utf8).toList()));
        String verb = parts.get(0).utf8().toUpperCase(java.util.Locale.ROOT);
        return switch (verb) {
            case "PING" -> new RespValue.SimpleString("PONG");
            case "REPLIKV.TOPOLOGY" -> cluster.topologyReply(name);
            case "REPLIKV.REQ" -> {
                Command c = parts.size() < 4 ? null : command(parts.subList(3, parts.size()));
                yield c == null ? new RespValue.ErrorReply("ERR wrong number of arguments")
                        : data(new Request(Long.parseLong(parts.get(1).utf8()), Long.parseLong(parts.get(2).utf8()), c), socket);
            }
            default -> {
                Command c = command(parts);
                yield c == null ? new RespValue.ErrorReply("ERR unknown command or wrong arity") : data(Request.untagged(c), socket);
            }
        };
    }

    private RespValue data(Request request, Socket socket) throws IOException {
        if (silent) return null;
        String leader = followerOf;
        if (leader != null) return new RespValue.ErrorReply("TRYAGAIN WRONG_SERVER not the leader leader=" + leader);
        if (request.tagged() && expireSessions.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return new RespValue.ErrorReply("TRYAGAIN SESSION_EXPIRED session expired");
        }
        Reply reply;
        lock.lock();
        try {
            core.onMessage(NodeId.of("connection"), new ClientRequest(1, request));
            Effects effects = core.drain();
            reply = ((ClientReply) effects.send().getFirst().message()).reply();
        } finally {
            lock.unlock();
        }
        if (dropAfterApply.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            socket.close(); // applied, but the reply is lost with the connection
            return null;
        }
        return ServerReplies.encode(reply);
    }

    /** The command of a data verb, or null when it is not one (or has the wrong arity). */
    static Command command(List<Bytes> parts) {
        String verb = parts.get(0).utf8().toUpperCase(java.util.Locale.ROOT);
        int n = parts.size();
        return switch (verb) {
            case "GET" -> n == 2 ? new Command.Get(parts.get(1)) : null;
            case "SET" -> n == 3 ? new Command.Put(parts.get(1), parts.get(2)) : null;
            case "APPEND" -> n == 3 ? new Command.Append(parts.get(1), parts.get(2)) : null;
            case "PUTHASH" -> n == 3 ? new Command.PutHash(parts.get(1), parts.get(2)) : null;
            case "DEL" -> n == 2 ? new Command.Delete(parts.get(1)) : null;
            default -> null;
        };
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) s.close();
    }
}
