package io.replikv.server.resp;

import io.replikv.core.NodeId;

/** What one RESP connection has negotiated: protocol version and name. Lives on the connection's thread. */
public final class ClientSession {
    private final NodeId connection;
    private final long id;
    private int protocol = 2;
    private String name;

    public ClientSession(NodeId connection, long id) {
        this.connection = connection;
        this.id = id;
    }

    public NodeId connection() {
        return connection;
    }

    /** The number in the connection name, answered by CLIENT ID. */
    public long id() {
        return id;
    }

    public int protocol() {
        return protocol;
    }

    void setProtocol(int protocol) {
        this.protocol = protocol;
    }

    public String name() {
        return name;
    }

    void setName(String name) {
        this.name = name;
    }
}
