package io.replikv.server.runtime;

import io.replikv.core.NodeId;
import io.replikv.server.transport.HostPort;
import java.util.ArrayList;
import java.util.List;

/**
 * A configured peer: {@code NAME=PEER_HOST:PORT[/CLIENT_HOST:PORT]} on the command line. The
 * client address is optional; without it the peer's hello teaches it.
 */
public record PeerSpec(NodeId name, HostPort peer, HostPort client) {
    /** Parses a comma-separated list; throws IllegalArgumentException with a message fit for a user. */
    public static List<PeerSpec> parseList(String text) {
        List<PeerSpec> specs = new ArrayList<>();
        if (text == null || text.isBlank()) return specs;
        for (String item : text.split(",")) {
            String t = item.trim();
            if (t.isEmpty()) continue;
            int eq = t.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("expected NAME=HOST:PORT[/CLIENT_HOST:PORT], got '" + t + "'");
            String name = t.substring(0, eq);
            validateName(name);
            String addresses = t.substring(eq + 1);
            int slash = addresses.indexOf('/');
            HostPort peer = HostPort.parse(slash < 0 ? addresses : addresses.substring(0, slash));
            HostPort client = slash < 0 ? null : HostPort.parse(addresses.substring(slash + 1));
            specs.add(new PeerSpec(NodeId.of(name), peer, client));
        }
        return specs;
    }

    /** Node names: 1..64 characters of [A-Za-z0-9_.-], and not of the form of a client connection id. */
    public static void validateName(String name) {
        if (name.isEmpty() || name.length() > NodeId.NAME_LENGTH_MAX) {
            throw new IllegalArgumentException("a node name has 1.." + NodeId.NAME_LENGTH_MAX + " characters: '" + name + "'");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
            if (!ok) throw new IllegalArgumentException("a node name may contain only letters, digits, '_', '-', '.': '" + name + "'");
        }
        if (ConnectionIds.isConnection(name)) {
            throw new IllegalArgumentException("node name '" + name + "' is reserved: c<number> names client connections");
        }
    }

    @Override
    public String toString() {
        return name + "=" + peer + (client == null ? "" : "/" + client);
    }
}
