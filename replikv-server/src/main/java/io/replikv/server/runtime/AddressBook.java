package io.replikv.server.runtime;

import io.replikv.core.NodeId;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who serves clients where: this server's advertised addresses, and the client address of every
 * other member, from configuration ({@code --peers NAME=PEER/CLIENT}) or learned from a peer's
 * hello. Configured addresses win over learned ones. Thread-safe.
 */
public final class AddressBook {
    private final NodeId self;
    private volatile String clientAddress;
    private volatile String peerAddress;
    private volatile String httpAddress;
    private final ConcurrentHashMap<NodeId, String> configured = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<NodeId, String> learned = new ConcurrentHashMap<>();

    public AddressBook(NodeId self) {
        this.self = self;
    }

    public NodeId self() {
        return self;
    }

    public String clientAddress() {
        return clientAddress;
    }

    public String peerAddress() {
        return peerAddress;
    }

    public String httpAddress() {
        return httpAddress;
    }

    public void setClientAddress(String address) {
        clientAddress = address;
    }

    public void setPeerAddress(String address) {
        peerAddress = address;
    }

    public void setHttpAddress(String address) {
        httpAddress = address;
    }

    public void configureClientAddress(NodeId member, String address) {
        configured.put(member, address);
    }

    /** Called by the peer transport when a hello names the sender's client address. */
    public void learnClientAddress(NodeId member, String address) {
        if (address != null && !address.isEmpty()) learned.put(member, address);
    }

    /** Every other server this node has a client address for (configured or learned), in name order. */
    public java.util.SortedSet<NodeId> knownServers() {
        java.util.TreeSet<NodeId> names = new java.util.TreeSet<>(configured.keySet());
        names.addAll(learned.keySet());
        names.remove(self);
        return names;
    }

    /** The client address of {@code member}, or null if unknown. */
    public String clientAddressOf(NodeId member) {
        if (member.equals(self)) return clientAddress;
        String a = configured.get(member);
        return a != null ? a : learned.get(member);
    }
}
