package io.replikv.core.replicated;

import io.replikv.core.Effects;
import io.replikv.core.Envelope;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
import io.replikv.core.codec.Codec;
import io.replikv.core.raft.Apply;
import io.replikv.core.raft.Proposal;
import io.replikv.core.raft.RaftConfig;
import io.replikv.core.raft.RaftCore;
import io.replikv.core.raft.RaftMessage;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.MalformedInputException;
import io.replikv.core.util.Prng;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One member of a Raft group of fixed members that runs a deterministic <i>inner</i> {@link Node}
 * (the group view service of mode 2pc, say) as a replicated state machine, by replicating its
 * <b>inputs</b>: the messages addressed to the service and the passing of time.
 *
 * <ul>
 *   <li><b>Inputs.</b> The leader collects the messages that reach it (a follower relays what it
 *       receives to the leader it knows, with the origin: {@link ReplicatedMessage.Relay}) and counts
 *       its ticks; when no proposal is in flight it proposes them as one {@link InputBatch} — at once
 *       if there are messages, after {@link ReplicatedConfig#idleBatchTicks()} ticks if there are only
 *       ticks. Beyond {@link ReplicatedConfig#bufferedInputsMax()} a message is dropped, as the network
 *       may drop it. A new leader proposes nothing before its term's first entry is applied.</li>
 *   <li><b>Apply.</b> Every member applies committed batches in log order to its own copy of the inner
 *       node: the ticks, then each message from its origin. The copies see the same inputs in the same
 *       order, so they stay identical. The inner node's persist ops go to its own in-memory storage
 *       ({@link InnerStorage}).</li>
 *   <li><b>Outputs.</b> Only the member that leads when it applies an entry of its own term sends what
 *       the inner node answers (plain and after-persist messages alike: the input is already durable on
 *       a majority); followers drop them, and so does a new leader for the older entries it applies
 *       (they may be arbitrarily old: see {@link #speaking}). Each output goes to its destination
 *       directly and, when another member received
 *       that destination's latest message, through that member too ({@link ReplicatedMessage.RelayBack}),
 *       so it arrives whichever member the destination talks to.</li>
 *   <li><b>Compaction keeps copies identical.</b> At every log index that is a multiple of
 *       {@link ReplicatedConfig#compactionIntervalEntries()}, every member — the leader too — takes the
 *       inner storage as the snapshot, compacts the Raft log to that index, and rebuilds its inner node
 *       from that storage: exactly a crash and restart of the service at that input, which the inner
 *       node must survive anyway. A {@link Apply.Restore} (an installed snapshot, a restart of this
 *       member) rebuilds the same way, so a copy restored from a snapshot equals one that applied the
 *       log. Snapshotting the inner state at an arbitrary index would not do: a copy rebuilt from
 *       storage has lost the soft state (liveness, a change in progress) that the others kept, and the
 *       copies would diverge.</li>
 * </ul>
 *
 * <p>The inner node must be deterministic given its inputs and storage; if it needs randomness,
 * the factory must hand it a generator seeded the same way on every member.
 */
public final class ReplicatedNode implements Node {
    /**
     * Destinations whose relaying member is remembered, for routing outputs back; beyond it the
     * oldest is forgotten (its outputs then go directly only). Far above any group's replica count.
     */
    public static final int ROUTES_MAX = 4096;

    private final NodeId id;
    private final List<NodeId> members;
    private final TreeSet<NodeId> memberSet;
    private final Codec codec;
    private final Function<Storage, Node> innerFactory;
    private final ReplicatedConfig config;
    private final Outbox outbox = new Outbox();
    private final RaftCore core;

    private InnerStorage innerStorage;
    private Node inner;
    private long appliedIndex;
    // destination -> the member that received its latest message, as applied (same on every member)
    private final LinkedHashMap<NodeId, NodeId> routes = new LinkedHashMap<>();

    // leader only (soft state)
    private long leaderTerm;        // the term this node leads in, 0 when it does not
    private long termStartIndex;    // the index of its term's first entry (the no-op)
    private long inFlightIndex;     // the index of the batch in flight, 0 for none
    private long pendingTicks;      // ticks counted since the last batch
    private final List<InputBatch.Input> buffered = new ArrayList<>();
    private long bufferedBytes;

    // counters, for status and tests
    private long relayed;
    private long relayedBack;
    private long droppedInputs;
    private long batchesProposed;
    private long compactions;

    /**
     * Member {@code id} of the group {@code members}; recovers the Raft log from {@code storage} and
     * rebuilds the inner node with {@code innerFactory} (from the latest snapshot, or empty). Inner
     * messages are encoded with {@code codec} in log entries and relays.
     */
    public ReplicatedNode(NodeId id, List<NodeId> members, Storage storage, Prng prng, RaftConfig raftConfig,
                          Codec codec, Function<Storage, Node> innerFactory, ReplicatedConfig config) {
        Invariants.check(raftConfig.noopOnElection(),
                "a replicated node needs noopOnElection: a new leader waits for its term's first entry");
        this.id = id;
        this.memberSet = new TreeSet<>(members);
        this.members = List.copyOf(memberSet);
        this.codec = codec;
        this.innerFactory = innerFactory;
        this.config = config;
        rebuild(new InnerStorage());
        this.core = new RaftCore(id, members, storage, prng, raftConfig, outbox);
        pump();
    }

    /** With {@link ReplicatedConfig#DEFAULT}. */
    public ReplicatedNode(NodeId id, List<NodeId> members, Storage storage, Prng prng, RaftConfig raftConfig,
                          Codec codec, Function<Storage, Node> innerFactory) {
        this(id, members, storage, prng, raftConfig, codec, innerFactory, ReplicatedConfig.DEFAULT);
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        switch (message) {
            case RaftMessage m -> core.onMessage(from, m);
            case ReplicatedMessage.Relay r -> onRelay(from, r);
            case ReplicatedMessage.RelayBack r -> onRelayBack(from, r);
            default -> onInput(from, message);
        }
        pump();
    }

    @Override
    public void onTick() {
        core.onTick();
        if (leading()) pendingTicks++;
        pump();
    }

    @Override
    public Effects drain() {
        return outbox.drain();
    }

    // ---------------------------------------------------------------- inputs

    /** A message for the inner node: the leader collects it, a follower relays it to the leader it knows. */
    private void onInput(NodeId from, Message message) {
        // members speak to each other only through Raft and the relay types: anything else from a
        // member (a runtime handshake, say) is no input of the service
        if (memberSet.contains(from)) return;
        if (leading()) {
            collect(from, id, codec.encode(message));
            return;
        }
        NodeId leader = core.leader();
        if (leader == null || leader.equals(id)) {
            droppedInputs++; // no leader known: lost, as on the network; the sender tries again or elsewhere
            return;
        }
        relayed++;
        outbox.send(leader, new ReplicatedMessage.Relay(from, Bytes.wrap(codec.encode(message))));
    }

    /** A relayed message is logged only by a leader; one relayed to a former leader is dropped, never relayed again. */
    private void onRelay(NodeId from, ReplicatedMessage.Relay relay) {
        if (!memberSet.contains(from) || from.equals(id)) return;
        if (!leading() || !decodesToInput(relay.message())) {
            droppedInputs++;
            return;
        }
        collect(relay.origin(), from, relay.message().unsafeArray());
    }

    /** Only a message for the inner node may be logged: never a Raft or relay message, never garbage. */
    private boolean decodesToInput(Bytes encoded) {
        try {
            Message m = codec.decode(encoded.unsafeArray());
            return !(m instanceof RaftMessage) && !(m instanceof ReplicatedMessage);
        } catch (MalformedInputException e) {
            return false;
        }
    }

    private void onRelayBack(NodeId from, ReplicatedMessage.RelayBack back) {
        if (!memberSet.contains(from) || from.equals(id)) return;
        Message m;
        try {
            m = codec.decode(back.message().unsafeArray());
        } catch (MalformedInputException e) {
            return; // only members send these; a malformed one is dropped like a damaged frame
        }
        outbox.send(back.destination(), m);
    }

    private void collect(NodeId origin, NodeId receivedBy, byte[] encoded) {
        if (buffered.size() >= config.bufferedInputsMax() || bufferedBytes + encoded.length > config.bufferedInputBytesMax()) {
            droppedInputs++;
            return;
        }
        buffered.add(new InputBatch.Input(origin, receivedBy, Bytes.wrap(encoded)));
        bufferedBytes += encoded.length;
    }

    // ---------------------------------------------------------------- after every input

    private void pump() {
        for (Apply a : core.takeApplies()) apply(a);
        trackLeadership();
        maybePropose();
    }

    private void trackLeadership() {
        if (core.isLeader() && leaderTerm != core.term()) {
            becomeLeader();
        } else if (!core.isLeader() && leaderTerm != 0) {
            stepDown();
        }
    }

    private void becomeLeader() {
        leaderTerm = core.term();
        termStartIndex = core.lastIndex(); // the no-op RaftCore appended on election
        clearLeaderState();
    }

    /** Collected inputs and counted ticks are dropped: while no member leads, the inner node's time stands still. */
    private void stepDown() {
        leaderTerm = 0;
        clearLeaderState();
    }

    private void clearLeaderState() {
        inFlightIndex = 0;
        pendingTicks = 0;
        buffered.clear();
        bufferedBytes = 0;
    }

    private boolean leading() {
        return leaderTerm != 0;
    }

    /** One batch in flight at a time, and only once this leader holds every entry committed before its term. */
    private void maybePropose() {
        if (!leading() || appliedIndex < termStartIndex || appliedIndex < inFlightIndex) return;
        if (buffered.isEmpty() && pendingTicks < config.idleBatchTicks()) return;
        InputBatch batch = new InputBatch(pendingTicks, buffered);
        switch (core.propose(batch.encode())) {
            case Proposal.Accepted a -> {
                inFlightIndex = a.index();
                batchesProposed++;
                clearPending();
            }
            case Proposal.NotLeader n -> { } // noticed at the next pump
            case Proposal.Busy b -> { } // a leader transfer: keep the inputs; the next leader starts afresh
        }
    }

    private void clearPending() {
        pendingTicks = 0;
        buffered.clear();
        bufferedBytes = 0;
    }

    // ---------------------------------------------------------------- applying the log

    private void apply(Apply a) {
        switch (a) {
            case Apply.Restore r -> {
                rebuild(InnerStorage.decode(r.snapshot().data()));
                appliedIndex = r.snapshot().index();
            }
            case Apply.Entry e -> {
                Invariants.check(e.index() == appliedIndex + 1, "%s: applying %d after %d", id, e.index(), appliedIndex);
                appliedIndex = e.index();
                speaking = core.isLeader() && e.entry().term() == core.term();
                if (!e.entry().noop()) applyBatch(InputBatch.decode(e.entry().payload()));
                if (appliedIndex % config.compactionIntervalEntries() == 0) compactAndRestart();
                speaking = false;
            }
        }
    }

    /**
     * Whether the outputs of the entry being applied are sent: only when this member leads and the
     * entry belongs to its own term. A member may have to apply a long stretch of older entries
     * when it becomes leader — after a restart it replays the log from its snapshot, a lagging
     * follower catches up — and re-sending their outputs would deliver arbitrarily old messages
     * (an Install of a view long replaced, a Settle of a finished change), which no protocol
     * tolerates. Dropping them is a message loss: the leaders that applied those entries sent them,
     * and the protocols resend what matters (pings are answered again; the service repeats its
     * requests).
     */
    private boolean speaking;

    private void applyBatch(InputBatch batch) {
        for (long t = 0; t < batch.ticks(); t++) {
            inner.onTick();
            flush();
        }
        for (InputBatch.Input in : batch.inputs()) {
            remember(in.origin(), in.receivedBy());
            inner.onMessage(in.origin(), codec.decode(in.message().unsafeArray()));
            flush();
        }
    }

    private void remember(NodeId origin, NodeId receivedBy) {
        routes.remove(origin);
        routes.put(origin, receivedBy);
        if (routes.size() > ROUTES_MAX) routes.remove(routes.keySet().iterator().next());
    }

    /**
     * The inner storage at this index becomes the snapshot, and every member restarts its inner node
     * from it (see the class comment: compaction is a restart of the service at this input).
     */
    private void compactAndRestart() {
        Bytes image = innerStorage.encode();
        core.compact(appliedIndex, image);
        compactions++;
        rebuild(InnerStorage.decode(image));
    }

    /** A fresh inner node over {@code storage}, as after a restart; whatever it does at construction is flushed. */
    private void rebuild(InnerStorage storage) {
        innerStorage = storage;
        inner = innerFactory.apply(storage);
        Invariants.check(inner != null, "%s: the inner factory built nothing", id);
        flush();
    }

    /** Applies the inner node's persist ops to its storage; the leader sends its messages, a follower drops them. */
    private void flush() {
        Effects effects = inner.drain();
        for (PersistOp op : effects.persist()) innerStorage.apply(op);
        if (!speaking) return;
        for (Envelope e : effects.send()) route(e);
        for (Envelope e : effects.sendAfterPersist()) route(e);
    }

    private void route(Envelope e) {
        outbox.send(e.to(), e.message());
        NodeId via = routes.get(e.to());
        if (via == null || via.equals(id) || !memberSet.contains(via)) return;
        relayedBack++;
        outbox.send(via, new ReplicatedMessage.RelayBack(e.to(), Bytes.wrap(codec.encode(e.message()))));
    }

    // ---------------------------------------------------------------- state, for tests and the status page

    /** This member's copy of the inner node (for tests and status; do not drive it directly). */
    public Node inner() {
        return inner;
    }

    /** The inner node's storage as a snapshot would capture it: equal on every member that applied the same log. */
    public Bytes innerStorageImage() {
        return innerStorage.encode();
    }

    /** The consensus core, for tests and the status page (do not drive it directly). */
    public RaftCore core() {
        return core;
    }

    public boolean isLeader() {
        return core.isLeader();
    }

    /** The Raft index applied to the inner node. */
    public long appliedIndex() {
        return appliedIndex;
    }

    public List<NodeId> members() {
        return members;
    }

    /** Messages dropped: no leader known, relayed to a non-leader, or beyond the leader's buffer. */
    public long droppedInputs() {
        return droppedInputs;
    }

    public long compactions() {
        return compactions;
    }

    public long relayed() {
        return relayed;
    }

    public long relayedBack() {
        return relayedBack;
    }

    /** The inner node's status, with this member's Raft role as role and the applied Raft index as applied. */
    @Override
    public NodeStatus status() {
        NodeStatus in = inner.status();
        TreeMap<String, String> details = new TreeMap<>(in.details());
        String raftRole = core.role().name().toLowerCase(Locale.ROOT);
        details.put("innerRole", in.role());
        details.put("term", Long.toString(core.term()));
        details.put("raftRole", raftRole);
        details.put("raftLeader", core.leader() == null ? "" : core.leader().name());
        details.put("commitIndex", Long.toString(core.commitIndex()));
        details.put("viewServiceMembers", members.stream().map(NodeId::name).collect(Collectors.joining(",")));
        details.put("relayed", Long.toString(relayed));
        details.put("relayedBack", Long.toString(relayedBack));
        details.put("droppedInputs", Long.toString(droppedInputs));
        details.put("compactions", Long.toString(compactions));
        if (leading()) {
            details.put("bufferedInputs", Integer.toString(buffered.size()));
            details.put("batchesProposed", Long.toString(batchesProposed));
        }
        return new NodeStatus(id, in.mode(), raftRole, in.epoch(), in.leader(), in.members(), appliedIndex, details);
    }

    /** Routes as applied, for tests: destination to the member that received its latest message. */
    Map<NodeId, NodeId> routes() {
        return Map.copyOf(routes);
    }
}
