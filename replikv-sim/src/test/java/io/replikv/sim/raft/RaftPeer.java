package io.replikv.sim.raft;

import io.replikv.core.Effects;
import io.replikv.core.Envelope;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
import io.replikv.core.codec.Codec;
import io.replikv.core.codec.CodecRegistry;
import io.replikv.core.codec.Codecs;
import io.replikv.core.raft.Apply;
import io.replikv.core.raft.LogEntry;
import io.replikv.core.raft.Proposal;
import io.replikv.core.raft.RaftConfig;
import io.replikv.core.raft.RaftCore;
import io.replikv.core.raft.RaftMessage;
import io.replikv.core.raft.RaftMessages;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import java.util.List;
import java.util.TreeMap;

/**
 * One Raft server as the 6.824 Raft tests see it: a {@link RaftCore} plus the tester's applier.
 * Commands are strings. Applied entries go to the {@link RaftTester}, which checks them against
 * every other server; in snapshot mode the applier snapshots every {@link #SNAPSHOT_INTERVAL}
 * entries with the index and the whole command list (6.824's applierSnap). Outgoing requests are
 * counted and sized with the wire codec, for the RPC-count and byte-count tests.
 */
final class RaftPeer implements Node {
    /** 6.824's SnapShotInterval: snapshot whenever (index + 1) % 10 == 0. */
    static final int SNAPSHOT_INTERVAL = 10;

    private static final Codec CODEC = Codec.of(RaftMessages.register(Codecs.registerCommon(CodecRegistry.builder())).build());

    final RaftCore core;
    private final Outbox outbox = new Outbox();
    private final RaftTester tester;
    private final boolean snapshotMode;
    private final TreeMap<Long, String> log = new TreeMap<>();
    private long lastApplied;
    private final Prng reorderPrng;
    private final java.util.List<Held> held = new java.util.ArrayList<>();
    private long ticks;

    /** A reply held back by long reordering until tick {@code dueTick}. */
    private record Held(long dueTick, Envelope envelope) {}

    RaftPeer(NodeId id, List<NodeId> members, Storage storage, Prng prng, RaftConfig config, RaftTester tester,
             boolean snapshotMode) {
        this.tester = tester;
        this.snapshotMode = snapshotMode;
        this.reorderPrng = Prng.derive(prng.nextLong(), "long-reordering");
        this.core = new RaftCore(id, members, storage, prng, config, outbox);
        pump();
    }

    @Override
    public NodeId id() {
        return core.id();
    }

    /** 6.824's Start(): (index, term, isLeader). */
    Proposal start(String command) {
        Proposal p = core.propose(Bytes.of(command));
        pump();
        return p;
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        if (message instanceof RaftMessage m) core.onMessage(from, m);
        pump();
    }

    @Override
    public void onTick() {
        ticks++;
        core.onTick();
        pump();
    }

    private void pump() {
        for (Apply a : core.takeApplies()) {
            switch (a) {
                case Apply.Restore r -> restore(r.snapshot().index(), r.snapshot().data());
                case Apply.Entry e -> apply(e.index(), e.entry());
            }
        }
    }

    private void apply(long index, LogEntry entry) {
        if (index != lastApplied + 1) throw new AssertionError(id() + " applied " + index + " after " + lastApplied);
        lastApplied = index;
        if (entry.noop()) {
            tester.onApply(id(), index, null);
            return;
        }
        String command = entry.payload().utf8();
        log.put(index, command);
        tester.onApply(id(), index, command);
        if (snapshotMode && (index + 1) % SNAPSHOT_INTERVAL == 0) core.compact(index, encodeSnapshot(index));
    }

    private Bytes encodeSnapshot(long index) {
        BinaryWriter w = new BinaryWriter();
        w.writeVarLong(index);
        w.writeVarLong(log.size());
        for (var e : log.entrySet()) w.writeVarLong(e.getKey()).writeString(e.getValue());
        return w.toBytes();
    }

    private void restore(long index, Bytes data) {
        BinaryReader r = BinaryReader.of(data);
        long encodedIndex = r.readVarLong();
        if (encodedIndex != index) throw new AssertionError(id() + ": snapshot says " + encodedIndex + ", message " + index);
        log.clear();
        long n = r.readVarLong();
        for (long i = 0; i < n; i++) log.put(r.readVarLong(), r.readString(1 << 20));
        r.expectEnd();
        lastApplied = index;
        tester.onSnapshot(id(), index, log);
    }

    @Override
    public Effects drain() {
        Effects effects = outbox.drain();
        for (Envelope e : effects.send()) count(e);
        for (Envelope e : effects.sendAfterPersist()) count(e);
        if (!tester.longReordering() && held.isEmpty()) return effects;
        return reorder(effects);
    }

    /**
     * labrpc's long reordering, which delays replies only: with probability 600/900 a reply is held
     * back 200 ms + rand(1 + rand(2000)) ms. Held replies leave in a later drain, still after
     * persistence (the shell releases persist-after messages only once everything before is durable).
     */
    private Effects reorder(Effects effects) {
        java.util.List<Envelope> after = new java.util.ArrayList<>();
        for (Envelope e : effects.sendAfterPersist()) {
            boolean reply = !e.to().equals(id()) && !isRequest(e.message());
            if (tester.longReordering() && reply && reorderPrng.nextInt(900) < 600) {
                long ms = 200 + reorderPrng.nextInt(1 + reorderPrng.nextInt(2000));
                held.add(new Held(ticks + ms / RaftTester.TICK_MS, e));
            } else {
                after.add(e);
            }
        }
        java.util.Iterator<Held> it = held.iterator();
        while (it.hasNext()) {
            Held h = it.next();
            if (h.dueTick() <= ticks) {
                after.add(h.envelope());
                it.remove();
            }
        }
        return new Effects(effects.send(), effects.persist(), after, effects.completions());
    }

    private static boolean isRequest(Message m) {
        return m instanceof RaftMessage.RequestVote || m instanceof RaftMessage.AppendEntries
                || m instanceof RaftMessage.Heartbeat || m instanceof RaftMessage.InstallSnapshot
                || m instanceof RaftMessage.TimeoutNow;
    }

    /** A request is an RPC (6.824 counts calls, not replies); self-addressed storage completions are not. */
    private void count(Envelope e) {
        if (e.to().equals(id())) return;
        if (isRequest(e.message())) tester.onRpc(CODEC.encode(e.message()).length);
    }

    @Override
    public NodeStatus status() {
        return new NodeStatus(id(), "raft", core.role().name().toLowerCase(java.util.Locale.ROOT), core.term(),
                core.leader(), core.members(), lastApplied, new TreeMap<>());
    }
}
