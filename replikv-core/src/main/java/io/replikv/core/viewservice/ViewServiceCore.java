package io.replikv.core.viewservice;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Invariants;
import java.util.Iterator;
import java.util.List;
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
 *
 * <p><b>Durability.</b> It persists the newest view, whether it was acknowledged, the view before
 * it, the claim it was made from and the members seen to restart in it ({@link ViewServiceState})
 * before any reply showing them leaves, and recovers them when constructed. After its own restart it counts every member of the
 * view as just heard with that view's number, so a member that then pings 0 restarted too.
 *
 * <p><b>Whole-cluster crash.</b> When the primary is unfit and the view cannot change the usual
 * way (no fit backup, or the view is unacknowledged), a live member whose ping carries a claim
 * that {@link RecoveryRule} accepts becomes primary of the next view, alone; the reply to it says
 * so ({@code fromRecoveredData}), and its recovered state then counts as the replicated state.
 * Until such a server pings, {@link #status()} names the servers it waits for.
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
    private final TreeMap<NodeId, RecoveryRule.Claim> claims = new TreeMap<>();
    private final TreeSet<NodeId> unheardSinceRestart = new TreeSet<>();
    private View previous = View.INITIAL;
    private RecoveryRule.Vouch madeFrom;
    private long requestsHandled;
    private long viewsRecovered;

    /** A view service with nothing to recover (its writes still go out as persist effects). */
    public ViewServiceCore(NodeId id, ViewServiceConfig config) {
        this(id, config, new MemoryStorage());
    }

    /** @param recovered the service's storage: the view it last persisted, if any, is where it resumes */
    public ViewServiceCore(NodeId id, ViewServiceConfig config, Storage recovered) {
        this.id = id;
        this.config = config;
        recovered.stable().get(ViewServiceState.KEY).ifPresent(bytes -> {
            ViewServiceState s = ViewServiceState.decode(bytes);
            view = s.view();
            acknowledged = s.acknowledged();
            previous = s.previous();
            madeFrom = s.madeFrom();
            for (NodeId m : s.restarted()) {
                if (view.isMember(m)) restarted.add(m);
            }
            // as if every member had just pinged this view: a ping of 0 now means it restarted (view 1
            // excepted: its members may never have learned it, and pinging 0 is then no restart), and a
            // silent one dies in the usual time. Until each has really pinged (or that time is up) the
            // view changes only by the recovery rule: the usual rules would act on liveness this
            // restart made up, promoting a dead backup or dropping one whose disk is needed
            for (NodeId m : view.members()) {
                lastPingTick.put(m, now);
                if (view.number() > 1) lastPingNumber.put(m, view.number());
                unheardSinceRestart.add(m);
            }
        });
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
        if (ping.viewNumber() < 0 || ping.viewNumber() > view.number() || !remember(from)) {
            // a number this service never gave out (not one of our servers, or a bug), or no room: it learns the truth
            reply(from, ping.viewNumber(), false);
            return;
        }
        long previousNumber = lastPingNumber.getOrDefault(from, 0L);
        RecoveryRule.Claim claim = ping.recoveredViewNumber() > 0
                ? new RecoveryRule.Claim(ping.recoveredViewNumber(), ping.recoveredIndex()) : null;
        boolean vouched = vouchedFor(from, claim);
        RecoveryRule.Claim previousClaim = claims.get(from);
        lastPingTick.put(from, now);
        lastPingNumber.put(from, ping.viewNumber());
        unheardSinceRestart.remove(from);
        if (claim != null) claims.put(from, claim); else claims.remove(from);
        View before = view;
        boolean acknowledgedBefore = acknowledged;
        boolean restartSeen = false;
        if (view.number() == 0) {
            view = View.first(from);
            acknowledged = false;
        } else if (view.isMember(from)) {
            // a member that knew a view and now pings 0 lost its memory; one that never learned a view had
            // none (a new claim says it did learn one, in a life this service did not see). The same claim
            // it pinged with before is no news: a restarted server, idle with its claim, made a backup
            // while that ping was in flight, has not learned its view yet and lost nothing since (it
            // was taken for restarted, and with the primary gone the view was stuck: swarm seed 601533).
            // The primary this service made from its claim is exempt until it learns that view
            boolean newClaim = claim != null && !claim.equals(previousClaim);
            boolean restart = ping.viewNumber() == 0 && (previousNumber != 0 || newClaim);
            if (restart && !vouched) restartSeen = restarted.add(from);
            if (view.isPrimary(from) && ping.viewNumber() == view.number()) acknowledged = true;
        }
        maybeChangeView();
        if (view != before || acknowledged != acknowledgedBefore || restartSeen) persist();
        reply(from, ping.viewNumber(), vouchedFor(from, claim));
    }

    /** True when {@code from} is the primary this service made from exactly {@code claim} (it has not learned the view yet). */
    private boolean vouchedFor(NodeId from, RecoveryRule.Claim claim) {
        return claim != null && madeFrom != null && view.isPrimary(from) && madeFrom.primary().equals(from)
                && madeFrom.claim().equals(claim);
    }

    /** Replies after the state they show is durable. */
    private void reply(NodeId to, long pingedNumber, boolean fromRecoveredData) {
        outbox.sendAfterPersist(to, new ViewServiceMessage.PingReply(pingedNumber, view, fromRecoveredData));
    }

    private void persist() {
        outbox.persist(new PersistOp.PutStable(ViewServiceState.KEY,
                new ViewServiceState(view, acknowledged, previous, madeFrom, List.copyOf(restarted)).encode()));
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
                claims.remove(e.getKey());
                return true;
            }
        }
        return false;
    }

    private void onGetView(NodeId from) {
        requestsHandled++;
        outbox.sendAfterPersist(from, new ViewServiceMessage.ViewReply(view));
    }

    @Override
    public void onTick() {
        now++;
        View before = view;
        maybeChangeView();
        if (view != before) persist();
    }

    private boolean alive(long lastPing) {
        return now - lastPing < config.deadTicks();
    }

    private SortedSet<NodeId> live() {
        return lastPingTick.entrySet().stream()
                .filter(e -> alive(e.getValue()))
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private void maybeChangeView() {
        if (view.number() == 0) return;
        SortedSet<NodeId> live = live();
        View next = usualRulesApply() ? ViewSuccession.next(view, live, restarted, config.backupsMax()) : view;
        RecoveryRule.Vouch vouch = null;
        if (next == view && primaryUnfit(live)) {
            NodeId claimant = RecoveryRule.choose(view, previous, madeFrom, liveClaims(live));
            if (claimant == null) return;
            vouch = new RecoveryRule.Vouch(claimant, claims.get(claimant));
            next = new View(view.number() + 1, claimant, List.of());
            restarted.remove(claimant); // its recovered state is the replicated state of the next view
            viewsRecovered++;
        }
        if (next == view) return;
        Invariants.check(next.number() == view.number() + 1 && view.isMember(next.primary()),
                "bad succession %s -> %s", view, next);
        previous = view;
        view = next;
        madeFrom = vouch;
        acknowledged = false;
        restarted.retainAll(view.members());
    }

    private boolean usualRulesApply() {
        return acknowledged && (unheardSinceRestart.isEmpty() || now >= config.deadTicks());
    }

    private boolean primaryUnfit(SortedSet<NodeId> live) {
        return !live.contains(view.primary()) || restarted.contains(view.primary());
    }

    private TreeMap<NodeId, RecoveryRule.Claim> liveClaims(SortedSet<NodeId> live) {
        TreeMap<NodeId, RecoveryRule.Claim> out = new TreeMap<>();
        claims.forEach((server, claim) -> {
            if (live.contains(server)) out.put(server, claim);
        });
        return out;
    }

    /**
     * What the service waits for when its primary is unfit and nothing can replace it: a member of
     * the view back with its data (a qualifying claim), or the primary itself. Null when not stuck.
     */
    public String waitingFor() {
        if (view.number() == 0) return null;
        SortedSet<NodeId> live = live();
        if (!primaryUnfit(live)) return null;
        if (usualRulesApply() && ViewSuccession.next(view, live, restarted, config.backupsMax()) != view) return null;
        List<String> names = view.members().stream().map(NodeId::name).sorted().toList();
        String who = names.size() == 1 ? names.getFirst()
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
        return who + " (members of view " + view.number() + ") to return with their data";
    }

    /** The newest view (acknowledged or not). */
    public View view() {
        return view;
    }

    /** True once the primary of {@link #view()} pinged with its number. */
    public boolean acknowledged() {
        return acknowledged;
    }

    /** The view before {@link #view()} (view 0 before the second view). */
    public View previousView() {
        return previous;
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
        details.put("claims", claims.toString());
        details.put("viewsRecovered", Long.toString(viewsRecovered));
        String waiting = waitingFor();
        if (waiting != null) details.put("waitingFor", waiting);
        return new NodeStatus(id, "viewservice", "viewservice", view.number(), view.primary(), view.members(),
                view.number(), details);
    }
}
