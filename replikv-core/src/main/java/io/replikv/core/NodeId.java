package io.replikv.core;

import io.replikv.core.util.Invariants;

/**
 * The name of a node: a server ("n1"), the view service ("vs"), a client ("c3"), or a client
 * connection of a server runtime. Names are short ASCII strings; order is by name.
 */
public record NodeId(String name) implements Comparable<NodeId> {
    /** Names longer than this are refused: they travel in every message. */
    public static final int NAME_LENGTH_MAX = 64;

    public NodeId {
        Invariants.check(name != null && !name.isEmpty() && name.length() <= NAME_LENGTH_MAX,
                "node name must be 1..%d characters: %s", NAME_LENGTH_MAX, name);
    }

    public static NodeId of(String name) {
        return new NodeId(name);
    }

    @Override
    public int compareTo(NodeId o) {
        return name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
