package io.replikv.core;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A snapshot of what a node is and knows, for {@code /v1/status}, {@code INFO}, the CLI and tests.
 *
 * @param mode        single, pb, 2pc, raft, viewservice, client
 * @param role        mode-specific: primary, backup, idle, leader, follower, candidate, replica ...
 * @param epoch       the view number (pb, 2pc) or the term (raft); 0 when not applicable
 * @param leader      the primary of the view or the Raft leader as this node believes; null if unknown
 * @param members     every member this node knows of, in name order
 * @param applied     how many commands this node has applied to its state machine
 * @param details     anything else worth showing, in key order (deterministic)
 */
public record NodeStatus(NodeId id, String mode, String role, long epoch, NodeId leader, List<NodeId> members,
                         long applied, SortedMap<String, String> details) {
    public NodeStatus {
        members = List.copyOf(members);
        details = new TreeMap<>(details);
    }
}
