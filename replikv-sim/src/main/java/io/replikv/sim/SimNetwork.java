package io.replikv.sim;

import io.replikv.core.NodeId;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.Prng;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The simulated network: what happens to each message between two nodes. Every directed link
 * has {@link LinkSettings} (the cluster-wide defaults unless set per link). On top of them:
 * a partition into groups (messages between different groups are dropped; a node in no group
 * reaches everyone, as clients do in the original kvraft harness), one-way cuts, isolated nodes
 * (cut both ways from everyone), "drop the next n messages of a link", and per-node unreliable
 * flags ({@link UnreliableSettings}). A message is blocked if its link is blocked when it is sent
 * or when it arrives. All random draws come from one stream derived from the run's seed.
 */
public final class SimNetwork {
    private final Prng prng;
    private final Trace trace;
    private final LongSupplier clock;
    private LinkSettings defaults = LinkSettings.RELIABLE;
    private UnreliableSettings unreliableSettings = UnreliableSettings.LAB;
    private final TreeMap<Link, LinkSettings> links = new TreeMap<>();
    private final TreeSet<Link> cuts = new TreeSet<>();
    private final TreeSet<NodeId> isolated = new TreeSet<>();
    private final TreeMap<NodeId, Integer> groups = new TreeMap<>();
    private final TreeSet<NodeId> unreliable = new TreeSet<>();
    private final TreeMap<Link, Integer> dropNext = new TreeMap<>();

    SimNetwork(Prng prng, Trace trace, LongSupplier clock) {
        this.prng = prng;
        this.trace = trace;
        this.clock = clock;
    }

    /** What became of a message at send time: dropped (with why) or in flight with one delay per copy. */
    record SendFate(String dropReason, long[] delaysTicks) {
        boolean dropped() {
            return dropReason != null;
        }
    }

    /** What an unreliable node does with an arriving message. */
    enum InboundFate { DELIVER, DROP, DELIVER_REPLY_LOST }

    public LinkSettings defaults() {
        return defaults;
    }

    /** Sets the settings of every link that has none of its own. */
    public void setDefaults(LinkSettings settings) {
        defaults = settings;
        note("net-defaults", settings.toString());
    }

    public void setLink(NodeId from, NodeId to, LinkSettings settings) {
        links.put(new Link(from, to), settings);
        note("net-link", from + "->" + to + " " + settings);
    }

    /** Sets both directions between {@code a} and {@code b}. */
    public void setLinks(NodeId a, NodeId b, LinkSettings settings) {
        setLink(a, b, settings);
        setLink(b, a, settings);
    }

    public LinkSettings link(NodeId from, NodeId to) {
        return links.getOrDefault(new Link(from, to), defaults);
    }

    /**
     * Splits the nodes named into groups; messages between different groups are dropped. Replaces
     * any earlier partition. Nodes named in no group keep reaching everyone.
     */
    @SafeVarargs
    public final void partition(Set<NodeId>... groupSets) {
        List<Set<NodeId>> list = new ArrayList<>();
        for (Set<NodeId> g : groupSets) list.add(g);
        partition(list);
    }

    public void partition(List<? extends Set<NodeId>> groupSets) {
        groups.clear();
        for (int g = 0; g < groupSets.size(); g++) {
            for (NodeId id : groupSets.get(g)) {
                Integer old = groups.put(id, g);
                Invariants.check(old == null, "%s is in two partition groups", id);
            }
        }
        List<String> shown = new ArrayList<>();
        for (Set<NodeId> s : groupSets) shown.add(new TreeSet<>(s).toString());
        note("partition", String.join(" ", shown));
    }

    /** Drops every later message from {@code from} to {@code to} (one direction only). */
    public void cut(NodeId from, NodeId to) {
        cuts.add(new Link(from, to));
        note("cut", from + "->" + to);
    }

    public void uncut(NodeId from, NodeId to) {
        cuts.remove(new Link(from, to));
        note("uncut", from + "->" + to);
    }

    /** Cuts {@code id} off from every node, both ways, until {@link #reconnect} or {@link #heal}. */
    public void isolate(NodeId id) {
        isolated.add(id);
        note("isolate", id.toString());
    }

    /** Undoes {@link #isolate}, the one-way cuts touching {@code id} and its partition group. */
    public void reconnect(NodeId id) {
        isolated.remove(id);
        cuts.removeIf(l -> l.from().equals(id) || l.to().equals(id));
        groups.remove(id);
        note("reconnect", id.toString());
    }

    /**
     * Restores every link to the defaults: no partition, no cuts, no isolated node, no per-link
     * settings, no pending drops. Unreliable flags are per node and stay as they are.
     */
    public void heal() {
        groups.clear();
        cuts.clear();
        isolated.clear();
        links.clear();
        dropNext.clear();
        note("heal", "");
    }

    /** Drops the next {@code count} messages sent from {@code from} to {@code to} that are not blocked anyway. */
    public void dropNext(NodeId from, NodeId to, int count) {
        Invariants.check(count >= 0, "negative drop count %d", count);
        dropNext.put(new Link(from, to), count);
        note("drop-next", from + "->" + to + " " + count);
    }

    public boolean blocked(NodeId from, NodeId to) {
        if (isolated.contains(from) || isolated.contains(to)) return true;
        if (cuts.contains(new Link(from, to))) return true;
        Integer gf = groups.get(from);
        Integer gt = groups.get(to);
        return gf != null && gt != null && !gf.equals(gt);
    }

    public void setUnreliable(NodeId id, boolean flag) {
        if (flag) unreliable.add(id); else unreliable.remove(id);
        note("unreliable", id + " " + flag);
    }

    public boolean unreliable(NodeId id) {
        return unreliable.contains(id);
    }

    public UnreliableSettings unreliableSettings() {
        return unreliableSettings;
    }

    public void setUnreliableSettings(UnreliableSettings settings) {
        unreliableSettings = settings;
        note("net-unreliable", settings.toString());
    }

    /** A one-line description of the faults now in force, for failure messages. */
    public String describe() {
        String parts = groups.isEmpty() ? "none" : groups.entrySet().stream()
                .collect(Collectors.groupingBy(e -> e.getValue(), TreeMap::new,
                        Collectors.mapping(e -> e.getKey().toString(), Collectors.joining(","))))
                .values().toString();
        return "defaults=" + defaults + " partition=" + parts + " cuts=" + cuts + " isolated=" + isolated
                + " unreliable=" + unreliable + " links=" + links;
    }

    SendFate onSend(NodeId from, NodeId to) {
        if (blocked(from, to)) return new SendFate("blocked", null);
        Link link = new Link(from, to);
        Integer toDrop = dropNext.get(link);
        if (toDrop != null && toDrop > 0) {
            if (toDrop == 1) dropNext.remove(link); else dropNext.put(link, toDrop - 1);
            return new SendFate("drop-next", null);
        }
        LinkSettings s = link(from, to);
        if (prng.chance(s.dropProbability())) return new SendFate("lost", null);
        long first = prng.between(s.delayTicksMin(), s.delayTicksMax());
        if (!prng.chance(s.duplicateProbability())) return new SendFate(null, new long[] {first});
        return new SendFate(null, new long[] {first, prng.between(s.delayTicksMin(), s.delayTicksMax())});
    }

    InboundFate onArrival(NodeId to) {
        if (!unreliable.contains(to)) return InboundFate.DELIVER;
        if (prng.chance(unreliableSettings.requestDropProbability())) return InboundFate.DROP;
        if (prng.chance(unreliableSettings.replyDropProbability())) return InboundFate.DELIVER_REPLY_LOST;
        return InboundFate.DELIVER;
    }

    private void note(String kind, String detail) {
        trace.add(clock.getAsLong(), kind, detail);
    }
}
