package io.replikv.core.replicated;

import io.replikv.core.Effects;
import io.replikv.core.Envelope;
import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.codec.Codec;
import io.replikv.core.raft.RaftConfig;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.twophase.GroupViewCore;
import io.replikv.core.twophase.TwoPcConfig;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.Prng;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A tiny deterministic driver for unit tests of {@link ReplicatedNode}: three members s1..s3 running
 * a {@link GroupViewCore} over replicas r1..r3, a FIFO network delivered to quiescence after every
 * step, durable in-memory disks, crash/restart and isolation. Messages to anyone but a live member
 * are recorded in {@link #outside}.
 */
final class Group {
    record Sent(NodeId from, NodeId to, Message message) {}

    /** What a copy of the inner node looked like once it had applied some index. */
    record Copy(io.replikv.core.util.Bytes storage, io.replikv.core.NodeStatus status) {}

    /** Copies recorded per member and applied index (the last few hundred), to compare members at equal indexes. */
    final TreeMap<NodeId, TreeMap<Long, Copy>> copies = new TreeMap<>();
    private static final int COPIES_KEPT = 256;

    static final List<NodeId> MEMBERS = List.of(NodeId.of("s1"), NodeId.of("s2"), NodeId.of("s3"));
    static final List<NodeId> REPLICAS = List.of(NodeId.of("r1"), NodeId.of("r2"), NodeId.of("r3"));
    static final TwoPcConfig CONFIG = new TwoPcConfig(5, 4, 20, 10, 10, 8, 64, 256);
    /** Deliveries per step at most: a step that does not quiesce is a bug of the node. */
    private static final int DELIVERIES_PER_STEP_MAX = 100_000;

    private final long seed;
    private final ReplicatedConfig config;
    final TreeMap<NodeId, MemoryStorage> disks = new TreeMap<>();
    final TreeMap<NodeId, ReplicatedNode> nodes = new TreeMap<>();
    final TreeSet<NodeId> isolated = new TreeSet<>();
    private final TreeMap<NodeId, Integer> restarts = new TreeMap<>();
    private final ArrayDeque<Sent> network = new ArrayDeque<>();
    final List<Sent> outside = new ArrayList<>();

    Group(long seed, ReplicatedConfig config) {
        this.seed = seed;
        this.config = config;
        for (NodeId m : MEMBERS) {
            disks.put(m, new MemoryStorage());
            start(m);
        }
    }

    private void start(NodeId m) {
        int n = restarts.merge(m, 1, Integer::sum);
        ReplicatedNode node = new ReplicatedNode(m, MEMBERS, disks.get(m), Prng.derive(seed, m.name() + "/" + n),
                RaftConfig.DEFAULT, Codec.standard(), storage -> new GroupViewCore(NodeId.of("vs"), REPLICAS, CONFIG, storage),
                config);
        nodes.put(m, node);
        drain(m);
    }

    void crash(NodeId m) {
        nodes.remove(m);
    }

    void restart(NodeId m) {
        start(m);
        deliver();
    }

    ReplicatedNode node(NodeId m) {
        return nodes.get(m);
    }

    ReplicatedNode leader() {
        List<ReplicatedNode> leaders = nodes.values().stream()
                .filter(n -> n.isLeader() && !isolated.contains(n.id())).toList();
        Invariants.check(leaders.size() <= 1, "two leaders reachable: %s", leaders);
        return leaders.isEmpty() ? null : leaders.getFirst();
    }

    List<ReplicatedNode> followers() {
        return nodes.values().stream().filter(n -> !n.isLeader()).toList();
    }

    /** An outside node sends {@code message} to member {@code to}. */
    void send(NodeId from, NodeId to, Message message) {
        network.add(new Sent(from, to, message));
    }

    void tick(int ticks) {
        for (int t = 0; t < ticks; t++) {
            for (NodeId m : List.copyOf(nodes.keySet())) {
                nodes.get(m).onTick();
                drain(m);
            }
            deliver();
        }
    }

    /** Ticks until a reachable leader has applied its term's first entry; false after {@code maxTicks}. */
    boolean awaitLeader(int maxTicks) {
        for (int t = 0; t < maxTicks; t++) {
            ReplicatedNode l = leader();
            if (l != null && l.appliedIndex() >= l.core().lastIndex() && l.core().commitIndex() >= l.core().lastIndex()) {
                return true;
            }
            tick(1);
        }
        return false;
    }

    void deliver() {
        for (int i = 0; i < DELIVERIES_PER_STEP_MAX && !network.isEmpty(); i++) {
            Sent s = network.poll();
            if (isolated.contains(s.to()) || isolated.contains(s.from())) continue;
            ReplicatedNode target = nodes.get(s.to());
            if (target == null) {
                if (!MEMBERS.contains(s.to())) outside.add(s);
                continue;
            }
            target.onMessage(s.from(), s.message());
            drain(s.to());
        }
        Invariants.check(network.isEmpty(), "the network did not quiesce");
    }

    private void drain(NodeId m) {
        ReplicatedNode node = nodes.get(m);
        TreeMap<Long, Copy> kept = copies.computeIfAbsent(m, k -> new TreeMap<>());
        kept.put(node.appliedIndex(), new Copy(node.innerStorageImage(), node.inner().status()));
        if (kept.size() > COPIES_KEPT) kept.pollFirstEntry();
        Effects e = node.drain();
        for (PersistOp op : e.persist()) disks.get(m).apply(op);
        for (Envelope env : e.send()) network.add(new Sent(m, env.to(), env.message()));
        for (Envelope env : e.sendAfterPersist()) network.add(new Sent(m, env.to(), env.message()));
    }

    /** Messages received by {@code to} from outside the group's members, in order. */
    List<Sent> received(NodeId to) {
        return outside.stream().filter(s -> s.to().equals(to)).toList();
    }
}
