package io.replikv.server.runtime;

import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The member list that REPLIKV.TOPOLOGY, INFO and /v1/status show: each member's name, client
 * address (null if unknown) and role. A core may state other members' roles in its status
 * details under {@code role.<name>}; otherwise this node's own role is known exactly, the
 * leader is called leader (raft) or primary (other modes), and everyone else "member".
 */
public final class Topology {
    private Topology() {}

    public record Member(NodeId name, String clientAddress, String role) {}

    public static List<Member> members(NodeStatus status, AddressBook book) {
        List<NodeId> names = new ArrayList<>(status.members());
        if (!names.contains(status.id())) names.add(status.id());
        names.sort(null);
        List<Member> members = new ArrayList<>(names.size());
        for (NodeId name : names) members.add(new Member(name, book.clientAddressOf(name), roleOf(name, status)));
        return members;
    }

    static String roleOf(NodeId name, NodeStatus status) {
        String stated = status.details().get("role." + name.name());
        if (stated != null) return stated;
        if (name.equals(status.id())) return status.role();
        if (name.equals(status.leader())) return "raft".equals(status.mode()) ? "leader" : "primary";
        return "member";
    }
}
