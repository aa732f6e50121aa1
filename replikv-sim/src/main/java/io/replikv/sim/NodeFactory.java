package io.replikv.sim;

import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Prng;

/**
 * Builds a node at start and at every restart. {@code prng} is a stream derived from the run's
 * seed, the node's name and its restart count; {@code recovered} is the node's disk, holding only
 * what was durable when it last crashed (empty at first start). The node writes to it only through
 * the persist ops in its effects.
 */
@FunctionalInterface
public interface NodeFactory {
    Node create(NodeId id, Prng prng, Storage recovered);
}
