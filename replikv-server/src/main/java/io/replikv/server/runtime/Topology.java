package io.replikv.server.runtime;

import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The member list that REPLIKV.TOPOLOGY, INFO and /v1/status show: every server this node knows
 * of (the core's members and every server with a known client address), each with its client
 * address (null if unknown) and role. A core may state other members' roles in its status
 * details under {@code role.<name>}; otherwise this node's own role is known exactly, the
 * leader is called leader (raft) or primary (other modes), and everyone else "member".
 */
public final class Topology {
    private Topology() {}

    public record Member(NodeId name, String clientAddress, String role) {}

    public static List<Member> members(NodeStatus status, AddressBook book) {
        // the core's members (a pb view, a 2pc view, the raft group) plus every server this one
        // can address: in pb an idle server is in no view, yet a client may use it
        java.util.TreeSet<NodeId> all = new java.util.TreeSet<>(status.members());
        all.add(status.id());
        all.addAll(book.knownServers());
        List<NodeId> names = new ArrayList<>(all);
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
