package io.replikv.core.twophase;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.Storage;
import io.replikv.core.twophase.GroupViewMessage.CaughtUp;
import io.replikv.core.twophase.GroupViewMessage.Freeze;
import io.replikv.core.twophase.GroupViewMessage.Frozen;
import io.replikv.core.twophase.GroupViewMessage.GetView;
import io.replikv.core.twophase.GroupViewMessage.Install;
import io.replikv.core.twophase.GroupViewMessage.Ping;
import io.replikv.core.twophase.GroupViewMessage.Settle;
import io.replikv.core.twophase.GroupViewMessage.SettleAnswer;
import io.replikv.core.twophase.GroupViewMessage.SettleQuery;
import io.replikv.core.twophase.GroupViewMessage.Settled;
import io.replikv.core.twophase.GroupViewMessage.ViewReply;
import io.replikv.core.util.Invariants;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The membership service of mode 2pc (it runs where the view service runs). It holds the
 * numbered view — the replicas every transaction must reach — over a static list of configured
 * members, and changes it when a member goes silent for {@code deadPings} ping intervals or
 * restarts (a new incarnation), or when a configured replica outside the view asks to join.
 *
 * <p><b>The view-change rule</b> (why a write committed in view n is never missing from a replica
 * of view n+1): view n+1 = the survivors (members of n that are alive, did not restart and
 * acknowledged view n) plus joiners. Before it is installed, (1) every survivor freezes — it
 * prepares and decides nothing more in view n — and reports its undecided transactions; (2) the
 * service asks every survivor which of those it committed; (3) every survivor commits exactly the
 * transactions some survivor committed, aborts the rest and applies everything, so all survivors
 * hold the same state; one of them sends that state to each joiner; (4) only when every survivor
 * settled and every joiner holds the state is view n+1 installed. A coordinator commits only
 * with every member's vote and answers a client only after every member applied, so an
 * acknowledged write is applied at every survivor; a write committed somewhere (even if not
 * acknowledged) is committed at every survivor or, if only replicas that left committed it, at
 * none — and those replicas discard their state before they rejoin. Any survivor or joiner dying
 * mid-change restarts the change (a new attempt) with the rest. With no survivor left the group
 * waits: no replica has state it can vouch for.
 *
 * <p>The service persists the view, each member's incarnation, its attempt counter, whether a
 * change is pending and the survivors of its latest attempt before it sends anything that depends
 * on them, so a restarted service continues the same numbering, never confuses answers to an
 * earlier attempt with the current one, finishes a change it had started (its survivors may be
 * frozen) even if the membership now looks unchanged, and never counts as a survivor a member that
 * an earlier attempt left out (that attempt's survivors may have settled without it).
 *
 * <p><b>Whole-group crash.</b> When no member of the view is usable and some restarted members
 * ping a claim — "I replayed my journal of installed view w" — with w = n (or w = n - 1: it
 * settled the change into n but crashed before the Install) are members of n and were not left out by a settled attempt, the service
 * takes them as the survivors of a change to n+1 (freeze, settle, install, as above). One such
 * member suffices: a write is acknowledged only after every member of its view applied it, and
 * its journal records that before the Applied leaves, so every member's journal holds every
 * acknowledged write; settling commits whatever any of them committed. It waits until every
 * member of n is back, or a dead interval after the first claimant appeared, so that a crash of
 * everyone costs no state transfer when everyone returns. Until then its status says whom it
 * waits for.
 *
 * <p><b>A fresh start.</b> A claim names an installed view; if everyone crashed after the service
 * installed view 1 but before any member's install of it was durable, no member can claim. When
 * the view is 1, no member qualifies as above, and every member of view 1 is back (a new
 * incarnation) pinging that its journal is empty, view 1 committed nothing: a write needs every
 * member's vote, a vote leaves only once the prepare is durable, and the prepare follows the
 * install of view 1 in that member's journal, which becomes durable in order. The service then
 * installs view 2 of the replicas back with empty journals as a <em>fresh</em> view (no freeze,
 * no settlement, no state transfer: all start empty), a number never used before. A fresh view
 * is in turn a view whose members started empty, so the same rule applies to it.
 */
public final class GroupViewCore implements Node {
    static final String STATE_KEY = "2pc.groupview";

    private enum Phase { FREEZE, QUERY, SETTLE }

    /** A view change in progress (one attempt of it). */
    private static final class Change {
        final long number;
        final long attempt;
        final List<NodeId> survivors;
        final List<NodeId> joiners;
        Phase phase = Phase.FREEZE;
        final TreeSet<NodeId> answered = new TreeSet<>();
        final TreeMap<TxnId, io.replikv.core.util.Bytes> undecided = new TreeMap<>();
        final TreeMap<TxnId, Long> committed = new TreeMap<>();
        final TreeMap<NodeId, Long> caughtUp = new TreeMap<>(); // joiner -> incarnation holding the state
        final TreeMap<NodeId, Long> survivorIncarnations = new TreeMap<>(); // the incarnation whose state counts
        long lastSendTick;

        Change(long number, long attempt, List<NodeId> survivors, List<NodeId> joiners, TreeMap<NodeId, Long> incarnations) {
            this.number = number;
            this.attempt = attempt;
            this.survivors = List.copyOf(survivors);
            this.joiners = List.copyOf(joiners);
            for (NodeId s : survivors) survivorIncarnations.put(s, incarnations.get(s));
        }

        NodeId source() {
            return survivors.get(0);
        }
    }

    private final NodeId id;
    private final List<NodeId> configured;
    private final TwoPcConfig config;
    private final Outbox outbox = new Outbox();
    private final Liveness liveness;

    private long now;
    private GroupView view = GroupView.NONE;
    private final TreeMap<NodeId, Long> viewIncarnations = new TreeMap<>();
    private long attemptsStarted;
    // a change was started and no view installed since: survivors may be frozen, so a change must
    // finish even if the membership now looks unchanged (durable, for a restart of this service)
    private boolean changePending;
    // the survivors of the latest attempt of the pending change that reached the settle phase
    // (durable; null before any did): a later attempt, even after a restart of this service, may
    // only drop survivors, never add a member that such an attempt left out — its survivors may
    // already have settled without it (a Freeze or a SettleQuery decides nothing; a Settle does)
    private List<NodeId> pendingSurvivors;
    private final TreeMap<NodeId, Long> incarnations = new TreeMap<>();
    private final TreeSet<NodeId> acked = new TreeSet<>();
    private Change change;
    private long viewChanges;
    private final TreeMap<NodeId, Long> claims = new TreeMap<>(); // restarted replica -> installed view its journal holds
    private long recoveryWaitSinceTick = -1; // when the first qualifying claimant was seen, while no member is usable
    private long viewsRecovered;
    // replicas whose latest ping said: not a member, and my journal is empty (nothing recovered, nothing written)
    private final TreeSet<NodeId> emptyJournals = new TreeSet<>();
    // the view was installed as a fresh start (durable): its Install, resent until acknowledged, says so
    private boolean freshView;
    private long freshStarts;

    public GroupViewCore(NodeId id, List<NodeId> members, TwoPcConfig config, Storage recovered) {
        Invariants.check(!members.isEmpty(), "2pc group without members");
        this.id = id;
        this.configured = members.stream().sorted().distinct().toList();
        this.config = config;
        this.liveness = new Liveness(config.pingIntervalTicks(), config.deadPings());
        recovered.stable().get(STATE_KEY).ifPresent(bytes -> {
            GroupViewState s = GroupViewState.decode(bytes);
            view = s.view();
            viewIncarnations.putAll(s.incarnations());
            attemptsStarted = s.attemptsStarted();
            changePending = s.changePending();
            pendingSurvivors = s.changePending() ? s.changeSurvivors() : null;
            freshView = s.freshView();
            // leases granted before the restart run out within deadTicks: count everyone as just heard
            for (NodeId m : view.members()) liveness.heard(m, 0);
        });
    }

    @Override
    public NodeId id() {
        return id;
    }

    public GroupView view() {
        return view;
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        if (!(message instanceof GroupViewMessage m)) return;
        switch (m) {
            case Ping p -> onPing(from, p);
            case GetView g -> outbox.sendAfterPersist(from, new ViewReply(view, 0, false));
            case Frozen f -> onFrozen(from, f);
            case SettleAnswer a -> onSettleAnswer(from, a);
            case Settled s -> onSettled(from, s);
            case CaughtUp c -> onCaughtUp(from, c);
            case ViewReply r -> { } // meant for replicas
            case Freeze f -> { }
            case SettleQuery q -> { }
            case Settle s -> { }
            case Install i -> { }
        }
    }

    private boolean restarted(NodeId member) {
        Long seen = incarnations.get(member);
        return seen != null && !seen.equals(viewIncarnations.get(member));
    }

    /**
     * Every message that shows the view leaves after persistence: a view just installed may not be
     * durable yet (a slow disk), and if this service crashed before it is, it would come back with
     * the previous view while replicas act on the newer one they were shown.
     */
    private void onPing(NodeId from, Ping ping) {
        if (!configured.contains(from)) {
            outbox.sendAfterPersist(from, new ViewReply(view, ping.pingTick(), false));
            return;
        }
        liveness.heard(from, now);
        incarnations.put(from, ping.incarnation());
        if (ping.viewNumber() == 0 && ping.recoveredViewNumber() > 0) {
            claims.put(from, ping.recoveredViewNumber());
        } else {
            claims.remove(from);
        }
        if (ping.viewNumber() == 0 && ping.journalEmpty()) {
            emptyJournals.add(from);
        } else {
            emptyJournals.remove(from);
        }
        boolean current = view.contains(from) && !restarted(from);
        if (current && ping.viewNumber() == view.number()) acked.add(from);
        if (current && ping.viewNumber() < view.number()) outbox.sendAfterPersist(from, new Install(view, freshView));
        // a member the change under way, or a settled attempt of the pending change, left out is
        // on its way out of the view even while it pings: a lease now would let it serve reads
        // after a view without it is installed
        boolean beingDropped = (change != null && !change.survivors.contains(from))
                || (pendingSurvivors != null && !pendingSurvivors.contains(from));
        boolean lease = current && ping.viewNumber() == view.number() && !beingDropped;
        outbox.sendAfterPersist(from, new ViewReply(view, ping.pingTick(), lease));
    }

    @Override
    public void onTick() {
        now++;
        if (change == null) {
            maybeStartChange();
        } else if (changeLostANode()) {
            retryChange();
        } else if (now - change.lastSendTick >= config.resendTicks()) {
            sendPhase();
        }
    }

    private boolean usable(NodeId node) {
        return liveness.alive(node, now) && !restarted(node);
    }

    private void maybeStartChange() {
        if (view.number() == 0) {
            maybeInstallFirst();
            return;
        }
        List<NodeId> survivors = view.members().stream().filter(this::usable)
                .filter(m -> pendingSurvivors == null || pendingSurvivors.contains(m)).toList();
        if (survivors.isEmpty()) {
            maybeStartRecovery();
            return;
        }
        recoveryWaitSinceTick = -1;
        if (!acked.containsAll(survivors)) return; // a live member has not installed this view yet; Install is resent on its pings
        // outside the view, or a member that restarted (its new incarnation has empty state)
        List<NodeId> joiners = configured.stream().filter(m -> !survivors.contains(m) && liveness.alive(m, now)
                && incarnations.containsKey(m) && (!view.contains(m) || restarted(m))).toList();
        if (survivors.size() == view.members().size() && joiners.isEmpty() && !changePending) return;
        startChange(survivors, joiners);
    }

    /** A member of the view, alive, whose journal provably holds the view's state and every acknowledged write. */
    private boolean recoverable(NodeId node) {
        Long claim = claims.get(node);
        return claim != null && view.contains(node) && liveness.alive(node, now)
                && (claim == view.number() || claim == view.number() - 1);
    }

    /**
     * No member of the view is usable: take the restarted members whose journals qualify as the
     * survivors, once all of the view's members are back or a dead interval after the first one.
     */
    private void maybeStartRecovery() {
        // a member a settled attempt left out may hold a write the survivors aborted: never a survivor
        List<NodeId> recovered = view.members().stream().filter(this::recoverable)
                .filter(m -> pendingSurvivors == null || pendingSurvivors.contains(m)).toList();
        if (recovered.isEmpty()) {
            recoveryWaitSinceTick = -1;
            maybeStartAfresh();
            return;
        }
        if (recoveryWaitSinceTick < 0) recoveryWaitSinceTick = now;
        if (recovered.size() < view.members().size() && now - recoveryWaitSinceTick < liveness.deadTicks()) return;
        List<NodeId> joiners = configured.stream().filter(m -> !recovered.contains(m) && liveness.alive(m, now)
                && incarnations.containsKey(m)).toList();
        recoveryWaitSinceTick = -1;
        viewsRecovered++;
        startChange(recovered, joiners);
    }

    /** A member of the view that restarted, is alive, and pings that its journal is empty. */
    private boolean backEmpty(NodeId node) {
        return liveness.alive(node, now) && restarted(node) && emptyJournals.contains(node);
    }

    /**
     * True if every member of the view installed it with empty state: view 1, or a view the group
     * started afresh with. A write committed in such a view needs every member's prepare journaled
     * durably, after its install of the view, and a journal is durable in order.
     */
    private boolean startedEmpty() {
        return view.number() == 1 || freshView;
    }

    /**
     * A view whose members started empty (view 1, or a fresh one), no member qualifies for
     * recovery, and every member is back with an empty journal: the view served nothing (see
     * {@link #startedEmpty}), so the group starts afresh with the next number, of the live
     * replicas whose journals are empty, each starting empty, without state transfer. Every
     * member, not some: a member whose disk was wiped also pings an empty journal, and if any
     * member has anything in its journal, the group waits for a claimant. A fresh view that
     * everyone lost before journaling it is started afresh again, in the same way.
     */
    private void maybeStartAfresh() {
        if (!startedEmpty() || !view.members().stream().allMatch(this::backEmpty)) return;
        List<NodeId> members = configured.stream().filter(m -> view.contains(m)
                || (liveness.alive(m, now) && incarnations.containsKey(m) && emptyJournals.contains(m))).toList();
        TreeMap<NodeId, Long> inc = new TreeMap<>();
        for (NodeId m : members) inc.put(m, incarnations.get(m));
        freshStarts++;
        install(new GroupView(view.number() + 1, members), inc, true);
    }

    /** The first view: every configured member that pinged, once all have or a dead interval has passed. */
    private void maybeInstallFirst() {
        List<NodeId> alive = configured.stream().filter(m -> liveness.alive(m, now) && incarnations.containsKey(m)).toList();
        if (alive.isEmpty() || (alive.size() < configured.size() && now < liveness.deadTicks())) return;
        TreeMap<NodeId, Long> inc = new TreeMap<>();
        for (NodeId m : alive) inc.put(m, incarnations.get(m));
        install(new GroupView(1, alive), inc, false);
    }

    /** Still the same incarnation of this survivor, and alive: its state is the one the change counts on. */
    private boolean stillSurvives(NodeId s) {
        return liveness.alive(s, now) && change.survivorIncarnations.get(s).equals(incarnations.get(s));
    }

    private boolean changeLostANode() {
        for (NodeId s : change.survivors) if (!stillSurvives(s)) return true;
        for (NodeId j : change.joiners) {
            if (!liveness.alive(j, now)) return true;
            Long holding = change.caughtUp.get(j);
            if (holding != null && !holding.equals(incarnations.get(j))) return true;
        }
        return false;
    }

    /**
     * A survivor or joiner died or restarted mid-change: try again with the survivors still usable
     * (never adding one: a member that was silent rejoins later as a joiner) and the live joiners.
     */
    private void retryChange() {
        Change previous = change;
        List<NodeId> survivors = previous.survivors.stream().filter(this::stillSurvives).toList();
        change = null;
        if (survivors.isEmpty()) return;
        List<NodeId> joiners = previous.joiners.stream().filter(j -> liveness.alive(j, now)).toList();
        startChange(survivors, joiners);
    }

    private void startChange(List<NodeId> survivors, List<NodeId> joiners) {
        attemptsStarted++;
        changePending = true;
        change = new Change(view.number() + 1, attemptsStarted, survivors, joiners, incarnations);
        persist();
        sendPhase();
    }

    /** Sends the current phase's request to everyone who has not answered it (first time or again). */
    private void sendPhase() {
        Change c = change;
        c.lastSendTick = now;
        for (NodeId s : c.survivors) {
            if (c.answered.contains(s)) continue;
            Message m = switch (c.phase) {
                case FREEZE -> new Freeze(c.number, c.attempt);
                case QUERY -> new SettleQuery(c.number, c.attempt, undecidedRefs(c));
                case SETTLE -> new Settle(c.number, c.attempt, decisions(c), c.joiners, c.source());
            };
            outbox.sendAfterPersist(s, m);
        }
        if (c.phase == Phase.SETTLE && c.answered.contains(c.source()) && c.caughtUp.size() < c.joiners.size()) {
            List<NodeId> missing = c.joiners.stream().filter(j -> !c.caughtUp.containsKey(j)).toList();
            outbox.sendAfterPersist(c.source(), new Settle(c.number, c.attempt, decisions(c), missing, c.source()));
        }
    }

    private static List<TxnKey> undecidedRefs(Change c) {
        List<TxnKey> refs = new ArrayList<>();
        c.undecided.forEach((t, k) -> refs.add(new TxnKey(t, k)));
        return refs;
    }

    private static List<CommitDecision> decisions(Change c) {
        List<CommitDecision> out = new ArrayList<>();
        c.committed.forEach((t, ts) -> out.add(new CommitDecision(t, ts)));
        return out;
    }

    private boolean matches(NodeId from, long number, long attempt, Phase phase) {
        return change != null && change.number == number && change.attempt == attempt && change.phase == phase
                && change.survivors.contains(from);
    }

    private void onFrozen(NodeId from, Frozen f) {
        if (!matches(from, f.number(), f.attempt(), Phase.FREEZE)) return;
        change.answered.add(from);
        for (TxnKey t : f.undecided()) change.undecided.put(t.txn(), t.key());
        if (!change.answered.containsAll(change.survivors)) return;
        change.answered.clear();
        if (change.undecided.isEmpty()) {
            enterSettle();
        } else {
            change.phase = Phase.QUERY;
        }
        sendPhase();
    }

    private void onSettleAnswer(NodeId from, SettleAnswer a) {
        if (!matches(from, a.number(), a.attempt(), Phase.QUERY)) return;
        change.answered.add(from);
        for (CommitDecision d : a.committed()) {
            Long before = change.committed.put(d.txn(), d.timestamp());
            Invariants.check(before == null || before == d.timestamp(),
                    "txn %s reported committed at %d and at %d", d.txn(), before, d.timestamp());
        }
        if (!change.answered.containsAll(change.survivors)) return;
        change.answered.clear();
        enterSettle();
        sendPhase();
    }

    /** Settling decides transactions at the survivors: from here on, no later attempt may add a survivor. */
    private void enterSettle() {
        change.phase = Phase.SETTLE;
        pendingSurvivors = change.survivors;
        persist();
    }

    private void onSettled(NodeId from, Settled s) {
        if (!matches(from, s.number(), s.attempt(), Phase.SETTLE)) return;
        change.answered.add(from);
        maybeInstall();
    }

    private void onCaughtUp(NodeId from, CaughtUp c) {
        if (change == null || change.number != c.number() || change.attempt != c.attempt()
                || !change.joiners.contains(from)) return;
        change.caughtUp.put(from, c.incarnation());
        maybeInstall();
    }

    private void maybeInstall() {
        Change c = change;
        if (c.phase != Phase.SETTLE || !c.answered.containsAll(c.survivors) || c.caughtUp.size() < c.joiners.size()) return;
        TreeMap<NodeId, Long> inc = new TreeMap<>();
        inc.putAll(c.survivorIncarnations);
        inc.putAll(c.caughtUp);
        List<NodeId> members = new ArrayList<>(c.survivors);
        members.addAll(c.joiners);
        install(new GroupView(c.number, members), inc, false);
    }

    /** Installs {@code next}; {@code fresh}: its members start empty (see {@link #maybeStartAfresh}). */
    private void install(GroupView next, TreeMap<NodeId, Long> memberIncarnations, boolean fresh) {
        Invariants.check(next.number() == view.number() + 1, "view %d installed after %d", next.number(), view.number());
        view = next;
        viewIncarnations.clear();
        viewIncarnations.putAll(memberIncarnations);
        acked.clear();
        change = null;
        changePending = false;
        pendingSurvivors = null;
        freshView = fresh;
        viewChanges++;
        persist();
        for (NodeId m : view.members()) outbox.sendAfterPersist(m, new Install(view, fresh));
    }

    private void persist() {
        outbox.persist(new PersistOp.PutStable(STATE_KEY,
                new GroupViewState(view, viewIncarnations, attemptsStarted, changePending, pendingSurvivors, freshView).encode()));
    }

    /**
     * Whom the service waits for when no member of the view is usable: members of the view to
     * return with their journals (all of them, for at most a dead interval once one is back).
     * Null when it is not waiting for that.
     */
    public String waitingFor() {
        if (view.number() == 0 || change != null) return null;
        if (view.members().stream().anyMatch(this::usable)) return null;
        List<String> missing = view.members().stream().filter(m -> !recoverable(m)).map(NodeId::name).toList();
        if (missing.isEmpty()) return null;
        if (startedEmpty() && recoveryWaitSinceTick < 0) return waitingForClaimOrAllEmpty();
        String what = " (members of view " + view.number() + ") to return with their journals";
        if (recoveryWaitSinceTick < 0) return names(missing, "or") + what;
        return names(missing, "and") + what + ", for at most "
                + (liveness.deadTicks() - (now - recoveryWaitSinceTick)) + " more ticks";
    }

    /**
     * A view whose members started empty, without a qualifying claimant: a member coming back with
     * its journal of the view, or every member back with an empty journal (a fresh start), lets
     * the group go on.
     */
    private String waitingForClaimOrAllEmpty() {
        List<String> empty = view.members().stream().filter(this::backEmpty).map(NodeId::name).toList();
        List<String> others = view.members().stream().filter(m -> !backEmpty(m)).map(NodeId::name).toList();
        String members = " (members of view " + view.number() + ")";
        if (empty.isEmpty()) {
            return names(others, "or") + members + " to return with their journals, or all of them"
                    + " with empty journals to start the group afresh";
        }
        return names(others, "or") + members + " to return with a journal of view " + view.number() + ", or "
                + names(others, "and") + " with empty journals like " + names(empty, "and")
                + " to start the group afresh";
    }

    private static String names(List<String> names, String conjunction) {
        if (names.size() == 1) return names.getFirst();
        return String.join(", ", names.subList(0, names.size() - 1)) + " " + conjunction + " " + names.getLast();
    }

    @Override
    public Effects drain() {
        return outbox.drain();
    }

    @Override
    public NodeStatus status() {
        TreeMap<String, String> details = new TreeMap<>();
        details.put("viewChanges", Long.toString(viewChanges));
        details.put("acked", acked.toString());
        details.put("alive", configured.stream().filter(m -> liveness.alive(m, now)).toList().toString());
        details.put("viewsRecovered", Long.toString(viewsRecovered));
        details.put("freshStarts", Long.toString(freshStarts));
        String waiting = waitingFor();
        if (waiting != null) details.put("waitingFor", waiting);
        if (pendingSurvivors != null) details.put("settledSurvivors", pendingSurvivors.toString());
        if (change != null) {
            details.put("change", change.number + "/" + change.attempt + " " + change.phase);
            details.put("survivors", change.survivors.toString());
            details.put("joiners", change.joiners.toString());
        }
        String role = change != null ? "changing" : "stable";
        return new NodeStatus(id, "viewservice", role, view.number(), null, configured, 0, details);
    }
}
