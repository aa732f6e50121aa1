package io.replikv.client;

import io.replikv.client.resp.RespValue;
import io.replikv.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a server said about its cluster in answer to {@code REPLIKV.TOPOLOGY}: the replication
 * mode, the epoch (view number or term), the leader (primary) if known, which member answered,
 * and every member with its client address and role.
 *
 * @param leader null when the answering server knows no leader
 */
public record Topology(String mode, long epoch, String leader, String self, List<Member> members) {
    public Topology {
        members = List.copyOf(members);
    }

    /** One server: its name (the NodeId the client core uses), client address "host:port", and role. */
    public record Member(String name, String address, String role) {}

    public List<NodeId> memberIds() {
        return members.stream().map(m -> NodeId.of(m.name())).toList();
    }

    public Optional<Member> member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /**
     * Parses the reply: an array of alternating field names and values (unknown fields are
     * skipped, so servers may add some).
     *
     * @throws IllegalArgumentException when the reply is not a topology
     */
    public static Topology parse(RespValue reply) {
        if (!(reply instanceof RespValue.Array array) || array.items().size() % 2 != 0) {
            throw new IllegalArgumentException("topology reply is not a field/value array: " + reply);
        }
        String mode = null, leader = null, self = null;
        long epoch = -1;
        List<Member> members = null;
        for (int i = 0; i < array.items().size(); i += 2) {
            String field = text(array.items().get(i));
            RespValue value = array.items().get(i + 1);
            switch (field == null ? "" : field) {
                case "mode" -> mode = text(value);
                case "epoch" -> epoch = value instanceof RespValue.IntegerReply n ? n.value() : parseEpoch(text(value));
                case "leader" -> leader = value instanceof RespValue.Nil ? null : text(value);
                case "self" -> self = text(value);
                case "members" -> members = parseMembers(value);
                default -> { } // a field of a newer server
            }
        }
        if (mode == null || self == null || members == null || members.isEmpty() || epoch < 0) {
            throw new IllegalArgumentException("topology reply lacks mode, epoch, self or members: " + reply);
        }
        return new Topology(mode, epoch, leader, self, members);
    }

    private static List<Member> parseMembers(RespValue value) {
        if (!(value instanceof RespValue.Array list)) throw new IllegalArgumentException("members is not an array: " + value);
        List<Member> members = new ArrayList<>();
        for (RespValue item : list.items()) {
            if (!(item instanceof RespValue.Array triple) || triple.items().size() < 3) {
                throw new IllegalArgumentException("member is not [name, address, role]: " + item);
            }
            String name = text(triple.items().get(0));
            String address = text(triple.items().get(1));
            String role = text(triple.items().get(2));
            if (name == null || name.isEmpty() || name.length() > NodeId.NAME_LENGTH_MAX || address == null || role == null) {
                throw new IllegalArgumentException("bad member: " + item);
            }
            members.add(new Member(name, address, role));
        }
        return members;
    }

    private static long parseEpoch(String text) {
        try {
            return text == null ? -1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String text(RespValue value) {
        return switch (value) {
            case RespValue.Bulk b -> b.value().utf8();
            case RespValue.SimpleString s -> s.text();
            case RespValue.IntegerReply n -> Long.toString(n.value());
            default -> null;
        };
    }
}
