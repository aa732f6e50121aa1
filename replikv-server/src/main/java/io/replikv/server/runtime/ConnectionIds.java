package io.replikv.server.runtime;

import io.replikv.core.NodeId;

/**
 * Client connections of a runtime are named {@code c<number>} so that a core can address its
 * replies to them like to any node. Peer names of that shape are refused (at start and in a
 * peer's hello) so a reply can never be routed to the wrong side.
 */
public final class ConnectionIds {
    private ConnectionIds() {}

    public static NodeId of(long number) {
        return NodeId.of("c" + number);
    }

    /** True for names of the form c followed by one or more digits. */
    public static boolean isConnection(String name) {
        if (name.length() < 2 || name.charAt(0) != 'c') return false;
        for (int i = 1; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < '0' || ch > '9') return false;
        }
        return true;
    }

    public static boolean isConnection(NodeId id) {
        return isConnection(id.name());
    }
}
