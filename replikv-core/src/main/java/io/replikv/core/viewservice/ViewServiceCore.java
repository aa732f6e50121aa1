package io.replikv.core.viewservice;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
import io.replikv.core.util.Invariants;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The view service of mode {@code pb} (the rules of the original design, specs §2.2, generalised
 * to {@link ViewServiceConfig#backupsMax()} backups):
 * <ul>
 *   <li>the first server to ping while the view number is 0 becomes primary of view 1;</li>
 *   <li>a server not heard from for {@code deadPings} ping intervals is dead;</li>
 *   <li>a ping with 0 from a member that had pinged a view number before is a restart with empty
 *       state: the member is unfit for its role at once, even though it is pinging;</li>
 *   <li>the view changes ({@link ViewSuccession}) only after the primary of the current view
 *       acknowledged it by pinging with its number, and at most once per acknowledgement;</li>
 *   <li>every ping and every {@link ViewServiceMessage.GetView} is answered with the newest view,
 *       acknowledged or not.</li>
 * </ul>
 * A single process, never replicated here: if it is down, servers keep their view but no view
 * changes.
 */
public final class ViewServiceCore implements Node {
    /**
     * How many servers the service remembers at once. A server that is dead and in no view is
     * forgotten first; beyond this many live ones, pings of new servers are answered but not
     * recorded (they cannot join). Far above any real cluster, small enough to bound memory.
     */
    public static final int SERVERS_MAX = 1024;

    private final NodeId id;
    private final ViewServiceConfig config;
    private final Outbox outbox = new Outbox();

    private View view = View.INITIAL;
    private boolean acknowledged;
    private long now;
    private final TreeMap<NodeId, Long> lastPingTick = new TreeMap<>();
    private final TreeMap<NodeId, Long> lastPingNumber = new TreeMap<>();
    private final TreeSet<NodeId> restarted = new TreeSet<>();
    private long requestsHandled;

    public ViewServiceCore(NodeId id, ViewServiceConfig config) {
        this.id = id;
        this.config = config;
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        switch (message) {
            case ViewServiceMessage.Ping ping -> onPing(from, ping);
            case ViewServiceMessage.GetView get -> onGetView(from);
            default -> { } // replies and other protocols' messages are not for the view service
        }
    }

    private void onPing(NodeId from, ViewServiceMessage.Ping ping) {
        requestsHandled++;
        if (ping.viewNumber() < 0 || ping.viewNumber() > view.number()) {
            // a number this service never gave out: not one of our servers, or a bug; it learns the truth
            outbox.send(from, new ViewServiceMessage.PingReply(ping.viewNumber(), view));
            return;
        }
        if (!remember(from)) {
            outbox.send(from, new ViewServiceMessage.PingReply(ping.viewNumber(), view));
            return;
        }
        long previousNumber = lastPingNumber.getOrDefault(from, 0L);
        lastPingTick.put(from, now);
        lastPingNumber.put(from, ping.viewNumber());
        if (view.number() == 0) {
            view = View.first(from);
            acknowledged = false;
        } else if (view.isMember(from)) {
            // a member that knew a view and now pings 0 lost its state; one that never learned a view had none
            if (ping.viewNumber() == 0 && previousNumber != 0) restarted.add(from);
            if (view.isPrimary(from) && ping.viewNumber() == view.number()) acknowledged = true;
        }
        maybeChangeView();
        outbox.send(from, new ViewServiceMessage.PingReply(ping.viewNumber(), view));
    }

    /** Makes room for {@code server} if needed; false if the service is full of live servers. */
    private boolean remember(NodeId server) {
        if (lastPingTick.containsKey(server)) return true;
        if (lastPingTick.size() < SERVERS_MAX) return true;
        Iterator<Map.Entry<NodeId, Long>> it = lastPingTick.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<NodeId, Long> e = it.next();
            if (!alive(e.getValue()) && !view.isMember(e.getKey())) {
                it.remove();
                lastPingNumber.remove(e.getKey());
                return true;
            }
        }
        return false;
    }

    private void onGetView(NodeId from) {
        requestsHandled++;
        outbox.send(from, new ViewServiceMessage.ViewReply(view));
    }

    @Override
    public void onTick() {
        now++;
        maybeChangeView();
    }

    private boolean alive(long lastPing) {
        return now - lastPing < config.deadTicks();
    }

    private void maybeChangeView() {
        if (view.number() == 0 || !acknowledged) return;
        SortedSet<NodeId> live = lastPingTick.entrySet().stream()
                .filter(e -> alive(e.getValue()))
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        View next = ViewSuccession.next(view, live, restarted, config.backupsMax());
        if (next == view) return;
        Invariants.check(next.number() == view.number() + 1 && view.isMember(next.primary()),
                "bad succession %s -> %s", view, next);
        view = next;
        acknowledged = false;
        restarted.retainAll(view.members());
    }

    /** The newest view (acknowledged or not). */
    public View view() {
        return view;
    }

    /** True once the primary of {@link #view()} pinged with its number. */
    public boolean acknowledged() {
        return acknowledged;
    }

    /** Pings and view requests handled since start: the original "Count RPCs" budget counts these. */
    public long requestsHandled() {
        return requestsHandled;
    }

    @Override
    public Effects drain() {
        return outbox.drain();
    }

    @Override
    public NodeStatus status() {
        TreeMap<String, String> details = new TreeMap<>();
        details.put("acknowledged", Boolean.toString(acknowledged));
        details.put("backups", view.backups().toString());
        details.put("backupsMax", Integer.toString(config.backupsMax()));
        details.put("requestsHandled", Long.toString(requestsHandled));
        details.put("live", lastPingTick.entrySet().stream().filter(e -> alive(e.getValue()))
                .map(e -> e.getKey().name()).collect(Collectors.joining(",")));
        details.put("restarted", restarted.toString());
        return new NodeStatus(id, "viewservice", "viewservice", view.number(), view.primary(), view.members(),
                view.number(), details);
    }
}
