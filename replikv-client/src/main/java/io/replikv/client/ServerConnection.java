package io.replikv.client;

import io.replikv.client.resp.RespReader;
import io.replikv.client.resp.RespValue;
import io.replikv.core.NodeId;
import io.replikv.core.kv.Command;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One session's TCP connection to one server. A writer virtual thread connects and writes; a
 * reader virtual thread decodes replies. Both only post events to the owning {@link Session};
 * the FIFO of requests awaiting replies ({@link #inFlight}) is touched by the session thread only.
 * RESP answers in order on a connection, so the head of the FIFO owns the next reply.
 */
final class ServerConnection {
    /**
     * Most requests awaiting replies on one connection. A session has one operation at a time, but
     * each unanswered attempt to a silent server stays here; beyond this the connection is dropped
     * and its requests count as unanswered.
     */
    static final int REQUESTS_IN_FLIGHT_MAX = 64;

    private static final byte[] CLOSE = new byte[0];

    record InFlight(long correlation, Command command) {}

    final NodeId server;
    final InetSocketAddress address;
    private final Session session;
    private final Duration connectTimeout;
    private final LinkedBlockingQueue<byte[]> outgoing = new LinkedBlockingQueue<>();
    private volatile Socket socket;
    private volatile boolean closeRequested;

    // session thread only
    final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    boolean closed;

    ServerConnection(NodeId server, InetSocketAddress address, Session session, Duration connectTimeout) {
        this.server = server;
        this.address = address;
        this.session = session;
        this.connectTimeout = connectTimeout;
    }

    void start() {
        Thread.ofVirtual().name("replikv-write-" + server).start(this::runWriter);
    }

    /** Session thread: queues a request; false when the connection is too full to take it. */
    boolean send(long correlation, Command command, byte[] wire) {
        if (closed || inFlight.size() >= REQUESTS_IN_FLIGHT_MAX) return false;
        inFlight.add(new InFlight(correlation, command));
        outgoing.add(wire);
        return true;
    }

    /** Any thread: stops both threads and closes the socket. */
    void close() {
        closeRequested = true;
        outgoing.add(CLOSE);
        Socket s = socket;
        if (s != null) closeQuietly(s);
    }

    private void runWriter() {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            InetSocketAddress resolved = address.isUnresolved()
                    ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
            s.connect(resolved, (int) Math.max(1, connectTimeout.toMillis()));
        } catch (IOException e) {
            closeQuietly(s);
            // nothing was written on this connection: every request queued on it is definitely undelivered
            session.post(() -> session.onConnectFailed(this, e));
            return;
        }
        socket = s;
        if (closeRequested) {
            closeQuietly(s);
            return;
        }
        Thread.ofVirtual().name("replikv-read-" + server).start(() -> runReader(s));
        try (OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024)) {
            while (true) {
                byte[] wire = outgoing.take();
                if (wire == CLOSE) return;
                out.write(wire);
                if (outgoing.isEmpty()) out.flush();
            }
        } catch (IOException | InterruptedException e) {
            closeQuietly(s);
            session.post(() -> session.onConnectionLost(this, e));
        }
    }

    private void runReader(Socket s) {
        try {
            RespReader reader = new RespReader(s.getInputStream());
            while (true) {
                RespValue value = reader.read();
                session.post(() -> session.onReply(this, value));
            }
        } catch (IOException e) {
            closeQuietly(s);
            session.post(() -> session.onConnectionLost(this, e));
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is best effort; the socket is unusable either way
        }
    }
}
