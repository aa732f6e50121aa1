package io.replikv.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.server.metrics.ServerMetrics;
import io.replikv.server.transport.TextPeerCodec.TestMessage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Goal: the TCP peer transport delivers messages in order with the sender's name, closes a
 * connection that sends garbage, oversized frames, a bad hello or undecodable bodies without
 * harming any other connection, reconnects to a peer that comes up late, and bounds the queue
 * of an unreachable peer by dropping (and counting) the oldest messages.
 */
class NettyPeerTransportTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");

    record Received(NodeId from, Message message) {}

    private EventLoopGroup group;
    private final List<NettyPeerTransport> transports = new ArrayList<>();
    private final ServerMetrics metricsB = new ServerMetrics();

    @BeforeEach
    void loops() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterEach
    void close() {
        transports.forEach(NettyPeerTransport::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private NettyPeerTransport transport(NodeId name, InetSocketAddress listen, ServerMetrics metrics,
                                         BlockingQueue<Received> inbox) throws Exception {
        NettyPeerTransport t = new NettyPeerTransport(name, listen, () -> "127.0.0.1:9", new TextPeerCodec(), group, group,
                metrics, hello -> {});
        transports.add(t);
        t.start((from, m) -> inbox.add(new Received(from, m)));
        return t;
    }

    private static InetSocketAddress anyPort() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    @Test
    void messagesArriveInOrderWithTheSendersName() throws Exception {
        BlockingQueue<Received> atB = new LinkedBlockingQueue<>();
        NettyPeerTransport b = transport(B, anyPort(), metricsB, atB);
        NettyPeerTransport a = transport(A, anyPort(), new ServerMetrics(), new LinkedBlockingQueue<>());
        a.addPeer(B, HostPort.of(b.boundAddress()));
        for (int i = 0; i < 100; i++) a.send(B, new TestMessage("m" + i));
        for (int i = 0; i < 100; i++) {
            assertThat(atB.poll(10, TimeUnit.SECONDS)).isEqualTo(new Received(A, new TestMessage("m" + i)));
        }
    }

    @Test
    void badInputClosesOnlyItsOwnConnection() throws Exception {
        BlockingQueue<Received> atB = new LinkedBlockingQueue<>();
        NettyPeerTransport b = transport(B, anyPort(), metricsB, atB);
        NettyPeerTransport a = transport(A, anyPort(), new ServerMetrics(), new LinkedBlockingQueue<>());
        a.addPeer(B, HostPort.of(b.boundAddress()));
        a.send(B, new TestMessage("before"));
        assertThat(atB.poll(10, TimeUnit.SECONDS)).isEqualTo(new Received(A, new TestMessage("before")));

        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        assertClosedAfter(b, junk);                                                // garbage
        assertClosedAfter(b, new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});        // length 2 GiB
        assertClosedAfter(b, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0}); // negative length
        assertClosedAfter(b, frame("not a hello".getBytes()));                      // bad hello
        assertClosedAfter(b, concat(frame(new PeerHello(NodeId.of("x"), "", "").encode()), frame("Zjunk".getBytes())));
        assertClosedAfter(b, frame(new PeerHello(B, "", "").encode()));              // claims to be b itself
        assertClosedAfter(b, frame(new PeerHello(NodeId.of("c5"), "", "").encode())); // a client connection's name

        a.send(B, new TestMessage("after"));
        assertThat(atB.poll(10, TimeUnit.SECONDS)).isEqualTo(new Received(A, new TestMessage("after")));
        assertThat(atB).isEmpty();
        assertThat(metricsB.counter("replikv_peer_connections_closed_total", "reason=\"bad_frame\"")).isEqualTo(3);
        assertThat(metricsB.counter("replikv_peer_connections_closed_total", "reason=\"bad_hello\"")).isEqualTo(3);
        assertThat(metricsB.counter("replikv_peer_connections_closed_total", "reason=\"undecodable\"")).isEqualTo(1);
    }

    @Test
    void aPeerThatComesUpLateGetsWhatWasQueued() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        NettyPeerTransport a = transport(A, null, new ServerMetrics(), new LinkedBlockingQueue<>());
        a.addPeer(B, new HostPort("127.0.0.1", port));
        a.send(B, new TestMessage("early"));
        BlockingQueue<Received> atB = new LinkedBlockingQueue<>();
        transport(B, new InetSocketAddress("127.0.0.1", port), metricsB, atB);
        a.send(B, new TestMessage("late"));
        // reconnect backoff is at most RECONNECT_BACKOFF_MS_MAX; allow a few rounds
        assertThat(atB.poll(30, TimeUnit.SECONDS)).isEqualTo(new Received(A, new TestMessage("early")));
        assertThat(atB.poll(30, TimeUnit.SECONDS)).isEqualTo(new Received(A, new TestMessage("late")));
    }

    @Test
    void anUnreachablePeersQueueIsBoundedByDroppingTheOldest() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ServerMetrics metrics = new ServerMetrics();
        NettyPeerTransport a = transport(A, null, metrics, new LinkedBlockingQueue<>());
        a.addPeer(B, new HostPort("127.0.0.1", port));
        int extra = 500;
        for (int i = 0; i < PeerLimits.OUTBOUND_QUEUE_MESSAGES_MAX + extra; i++) a.send(B, new TestMessage("m" + i));
        assertThat(metrics.counter("replikv_peer_messages_dropped_total", "peer=\"b\",reason=\"queue_full\""))
                .isEqualTo(extra);
    }

    @Test
    void aMessageToAPeerWithoutAnAddressIsDroppedAndCounted() throws Exception {
        ServerMetrics metrics = new ServerMetrics();
        NettyPeerTransport a = transport(A, null, metrics, new LinkedBlockingQueue<>());
        a.send(NodeId.of("nobody"), new TestMessage("x"));
        assertThat(metrics.counter("replikv_peer_messages_dropped_total", "peer=\"nobody\",reason=\"no_address\""))
                .isEqualTo(1);
    }

    private static byte[] frame(byte[] body) {
        byte[] f = new byte[4 + body.length];
        java.nio.ByteBuffer.wrap(f).putInt(body.length).put(body);
        return f;
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] z = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, z, x.length, y.length);
        return z;
    }

    /** Writes {@code bytes} on a fresh connection to {@code t} and expects the server to close it. */
    private static void assertClosedAfter(NettyPeerTransport t, byte[] bytes) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(t.boundAddress(), 5_000);
            s.setSoTimeout(10_000);
            try {
                new DataOutputStream(s.getOutputStream()).write(bytes);
            } catch (IOException e) {
                return; // already closed by the server: fine
            }
            InputStream in = s.getInputStream();
            try {
                assertThat(in.read()).as("server closes the connection").isEqualTo(-1);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("connection was not closed within 10 s", e);
            } catch (IOException e) {
                // connection reset: closed
            }
        }
    }
}
