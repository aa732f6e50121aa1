package io.replikv.client;

import io.replikv.client.resp.RespConnection;
import io.replikv.client.resp.RespMapping;
import io.replikv.client.resp.RespValue;
import io.replikv.core.NodeId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The client's view of the cluster: member names (the client cores' NodeIds) and their client
 * addresses, learned with {@code REPLIKV.TOPOLOGY} from any server that answers. Shared by all
 * sessions; a refresh runs on its own virtual thread and is rate-limited.
 */
final class AddressBook {
    /**
     * Least time between two background refreshes. A dead server is noticed by every attempt sent
     * to it; without this floor each of those would ask for the topology again.
     */
    static final long REFRESH_INTERVAL_MILLIS_MIN = 500;

    private final List<String> seeds;
    private final Duration timeout;
    private final Consumer<List<NodeId>> onMembersChanged;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile long lastRefreshNanos;
    private volatile Topology topology;
    private volatile Map<NodeId, InetSocketAddress> addresses = Map.of();

    AddressBook(List<String> seeds, Duration timeout, Consumer<List<NodeId>> onMembersChanged) {
        this.seeds = List.copyOf(seeds);
        this.timeout = timeout;
        this.onMembersChanged = onMembersChanged;
        this.lastRefreshNanos = System.nanoTime() - REFRESH_INTERVAL_MILLIS_MIN * 1_000_000; // the first refresh may run at once
    }

    Topology topology() {
        return topology;
    }

    /** The client address of a member, or null when it is not a known member. */
    InetSocketAddress address(NodeId server) {
        return addresses.get(server);
    }

    boolean knows(NodeId server) {
        return addresses.containsKey(server);
    }

    /**
     * Asks known members, then the seeds, until one answers with a topology, and adopts it.
     *
     * @throws NotAppliedException NO_SERVER when none answered
     */
    Topology discover() throws NotAppliedException {
        List<InetSocketAddress> candidates = new ArrayList<>(addresses.values());
        for (String seed : seeds) candidates.add(ClientOptions.parseAddress(seed));
        StringBuilder failures = new StringBuilder();
        for (InetSocketAddress candidate : candidates) {
            try {
                RespValue reply = RespConnection.callOnce(candidate, timeout, RespMapping.TOPOLOGY_COMMAND);
                if (reply instanceof RespValue.ErrorReply error) throw new IOException("-" + error.message());
                adopt(Topology.parse(reply), candidate);
                return topology;
            } catch (IOException | IllegalArgumentException e) {
                failures.append("; ").append(candidate.getHostString()).append(':').append(candidate.getPort())
                        .append(": ").append(e.getMessage());
            }
        }
        throw new NotAppliedException("NO_SERVER", "no server answered " + RespMapping.TOPOLOGY_COMMAND + failures);
    }

    /** Starts a background refresh unless one is running or the last one was too recent. */
    void requestRefresh() {
        long now = System.nanoTime();
        if (now - lastRefreshNanos < REFRESH_INTERVAL_MILLIS_MIN * 1_000_000 || !refreshing.compareAndSet(false, true)) return;
        lastRefreshNanos = now;
        Thread.ofVirtual().name("replikv-topology").start(() -> {
            try {
                discover();
            } catch (NotAppliedException e) {
                // nobody answered: keep what we know; the next failure asks again
            } finally {
                lastRefreshNanos = System.nanoTime();
                refreshing.set(false);
            }
        });
    }

    private void adopt(Topology fresh, InetSocketAddress answeredBy) {
        Map<NodeId, InetSocketAddress> next = new LinkedHashMap<>();
        for (Topology.Member member : fresh.members()) {
            next.put(NodeId.of(member.name()), reachable(ClientOptions.parseAddress(member.address()), answeredBy));
        }
        boolean changed = !List.copyOf(next.keySet()).equals(List.copyOf(addresses.keySet()));
        addresses = java.util.Collections.unmodifiableMap(next);
        topology = fresh;
        if (changed) onMembersChanged.accept(List.copyOf(next.keySet()));
    }

    /** A server bound to a wildcard address reports it as such; reach it by the host we asked instead. */
    private static InetSocketAddress reachable(InetSocketAddress reported, InetSocketAddress answeredBy) {
        String host = reported.getHostString();
        boolean wildcard = host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
        return wildcard ? InetSocketAddress.createUnresolved(answeredBy.getHostString(), reported.getPort()) : reported;
    }
}
