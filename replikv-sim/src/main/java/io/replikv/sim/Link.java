package io.replikv.sim;

import io.replikv.core.NodeId;
import java.util.Comparator;

/** A directed link of the simulated network. Ordered by (from, to) so sets of links iterate deterministically. */
public record Link(NodeId from, NodeId to) implements Comparable<Link> {
    private static final Comparator<Link> ORDER = Comparator.comparing(Link::from).thenComparing(Link::to);

    @Override
    public int compareTo(Link o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return from + "->" + to;
    }
}
