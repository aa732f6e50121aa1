package io.replikv.client;

import io.replikv.client.resp.RespValue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of {@link FakeServer}s plus the topology they all report. Tests change the topology
 * (members, leader) at will; a member may be "dead": a loopback port nobody listens on.
 */
public final class FakeCluster implements AutoCloseable {
    private final Map<String, FakeServer> servers = new LinkedHashMap<>();
    /** name → [address, role], in member order. */
    private volatile List<String[]> members = List.of();
    public volatile String leader;

    public FakeServer start(String name) throws IOException {
        FakeServer server = new FakeServer(name, this);
        servers.put(name, server);
        return server;
    }

    public FakeServer server(String name) {
        return servers.get(name);
    }

    /** Sets the reported members: each name is a running server here, or "name@address" for any other. */
    public void members(String... names) {
        List<String[]> list = new ArrayList<>();
        for (String entry : names) {
            String[] at = entry.split("@", 2);
            String name = at[0];
            String address = at.length == 2 ? at[1] : servers.get(name).address();
            list.add(new String[] {name, address, name.equals(leader) ? "leader" : "follower"});
        }
        members = List.copyOf(list);
    }

    /** A loopback address where nothing listens: connecting is refused. */
    public static String deadAddress() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    RespValue topologyReply(String self) {
        List<RespValue> memberValues = new ArrayList<>();
        for (String[] m : members) {
            memberValues.add(new RespValue.Array(List.of(RespValue.bulk(m[0]), RespValue.bulk(m[1]), RespValue.bulk(m[2]))));
        }
        return new RespValue.Array(List.of(
                RespValue.bulk("mode"), RespValue.bulk("single"),
                RespValue.bulk("epoch"), new RespValue.IntegerReply(1),
                RespValue.bulk("leader"), leader == null ? RespValue.NIL : RespValue.bulk(leader),
                RespValue.bulk("self"), RespValue.bulk(self),
                RespValue.bulk("members"), new RespValue.Array(memberValues)));
    }

    @Override
    public void close() throws IOException {
        for (FakeServer server : servers.values()) server.close();
    }
}
