package io.replikv.core.twophase;

import io.replikv.core.NodeId;
import io.replikv.core.util.Invariants;
import java.util.List;

/**
 * A numbered view of the 2pc group: the replicas that take part in every transaction while it is
 * installed. Number 0 with no members is "no view yet". Members are kept in name order so every
 * node lists (and iterates) them identically.
 */
public record GroupView(long number, List<NodeId> members) {
    public static final GroupView NONE = new GroupView(0, List.of());

    public GroupView {
        members = members.stream().sorted().distinct().toList();
        Invariants.check(number >= 0, "negative view number %d", number);
        Invariants.check((number == 0) == members.isEmpty(), "view %d with members %s", number, members);
    }

    public boolean contains(NodeId id) {
        return members.contains(id);
    }
}
