package io.replikv.server.runtime;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.server.transport.HostPort;
import io.replikv.server.transport.PeerInbox;
import io.replikv.server.transport.PeerTransport;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A transport for tests: records what is sent, delivers nothing. */
public final class RecordingTransport implements PeerTransport {
    public record Sent(NodeId to, Message message) {}

    public final List<Sent> sent = new CopyOnWriteArrayList<>();
    public volatile PeerInbox inbox;

    @Override public void start(PeerInbox inbox) { this.inbox = inbox; }
    @Override public InetSocketAddress boundAddress() { return null; }
    @Override public void addPeer(NodeId peer, HostPort address) {}
    @Override public void send(NodeId to, Message message) { sent.add(new Sent(to, message)); }
    @Override public void close() {}
}
