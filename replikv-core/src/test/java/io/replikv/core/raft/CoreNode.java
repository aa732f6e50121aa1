package io.replikv.core.raft;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A bare {@link RaftCore} as a {@link Node}, with a test application that records every applied
 * entry, checks it against what every other node applied at that index ({@link #committed}, shared
 * by the cluster), and snapshots every {@code snapshotEvery} entries (0: never), like 6.824's
 * applierSnap. The snapshot holds the applied entries themselves, so a restored node can be checked.
 */
final class CoreNode implements Node {
    final RaftCore core;
    private final Outbox outbox = new Outbox();
    private final long snapshotEvery;
    private final Map<Long, LogEntry> committed;
    final TreeMap<Long, LogEntry> applied = new TreeMap<>();
    long appliedIndex;
    final List<ReadOutcome> readOutcomes = new ArrayList<>();
    long restores;

    CoreNode(NodeId id, List<NodeId> members, Storage storage, Prng prng, RaftConfig config, long snapshotEvery,
             Map<Long, LogEntry> committed) {
        this.core = new RaftCore(id, members, storage, prng, config, outbox);
        this.snapshotEvery = snapshotEvery;
        this.committed = committed;
        pump();
    }

    @Override
    public NodeId id() {
        return core.id();
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        if (message instanceof RaftMessage m) core.onMessage(from, m);
        pump();
    }

    @Override
    public void onTick() {
        core.onTick();
        pump();
    }

    void pump() {
        for (Apply a : core.takeApplies()) {
            switch (a) {
                case Apply.Restore r -> restore(r.snapshot().index(), r.snapshot().data());
                case Apply.Entry e -> applyEntry(e.index(), e.entry());
            }
        }
        readOutcomes.addAll(core.takeReadOutcomes());
    }

    private void applyEntry(long index, LogEntry entry) {
        if (index != appliedIndex + 1) throw new AssertionError(id() + " applied " + index + " after " + appliedIndex);
        agree(index, entry);
        applied.put(index, entry);
        appliedIndex = index;
        if (snapshotEvery > 0 && index % snapshotEvery == 0) core.compact(index, encode());
    }

    private void agree(long index, LogEntry entry) {
        LogEntry other = committed.putIfAbsent(index, entry);
        if (other != null && !other.equals(entry)) {
            throw new AssertionError(id() + " applied " + entry + " at " + index + " where another applied " + other);
        }
    }

    private Bytes encode() {
        BinaryWriter w = new BinaryWriter();
        w.writeVarLong(applied.size());
        for (var e : applied.entrySet()) w.writeVarLong(e.getKey()).writeBytes(e.getValue().encode());
        return w.toBytes();
    }

    private void restore(long index, Bytes data) {
        restores++;
        applied.clear();
        BinaryReader r = BinaryReader.of(data);
        long n = r.readVarLong();
        for (long i = 0; i < n; i++) {
            long idx = r.readVarLong();
            LogEntry e = LogEntry.decode(r.readBytes(Integer.MAX_VALUE));
            agree(idx, e);
            applied.put(idx, e);
        }
        if (!applied.isEmpty() && applied.lastKey() != index) {
            throw new AssertionError(id() + " restored a snapshot at " + index + " holding entries to " + applied.lastKey());
        }
        appliedIndex = index;
    }

    /** The payloads of the commands applied, in log order. */
    List<String> commands() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : applied.values()) if (!e.noop()) out.add(e.payload().utf8());
        return out;
    }

    @Override
    public Effects drain() {
        return outbox.drain();
    }

    @Override
    public NodeStatus status() {
        return new NodeStatus(id(), "raft", core.role().name(), core.term(), core.leader(), core.members(),
                appliedIndex, new TreeMap<>());
    }
}
