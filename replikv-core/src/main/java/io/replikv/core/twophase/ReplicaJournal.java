package io.replikv.core.twophase;

import io.replikv.core.NodeId;
import io.replikv.core.Outbox;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.KvLimits;
import io.replikv.core.kv.Request;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.Snapshot;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.MalformedInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * A replica's durable record: a snapshot of the state machine at each view it installs (or
 * catches up to), then one log entry per prepare, commit and abort, and a stable value naming
 * the view it last installed ({@value #INSTALLED_KEY}; cleared while it catches up). A vote and an
 * Applied leave only after their entry is durable (the core queues them with sendAfterPersist),
 * so the log always holds every promise the replica made. A restarted replica replays it
 * ({@link #recover}): its state, and its prepared and decided transactions of that view.
 */
final class ReplicaJournal {
    /** One journal record as read back. */
    sealed interface Entry {
        record Prepared(TxnId txn, Request request) implements Entry {}

        record Committed(TxnId txn, long timestamp) implements Entry {}

        record Aborted(TxnId txn) implements Entry {}
    }

    static final String INSTALLED_KEY = "2pc.installed";
    private static final int VIEW_FORMAT = 1;
    private static final int MEMBERS_MAX = 1024;
    private static final int PREPARED = 1;
    private static final int COMMITTED = 2;
    private static final int ABORTED = 3;

    private final Outbox outbox;
    private long lastIndex;
    // nothing that counts was recovered (see empty()) and nothing written since
    private boolean empty;

    ReplicaJournal(Outbox outbox, Storage recovered) {
        this.outbox = outbox;
        this.lastIndex = recovered.log().lastIndex();
        long snapshotIndex = recovered.snapshots().latest().map(Snapshot::index).orElse(0L);
        // no installed-view record at all (not even "none", which a catch-up writes before its
        // snapshot) and no entry: at most the snapshot of a first install whose record the crash lost
        this.empty = recovered.stable().get(INSTALLED_KEY).isEmpty() && lastIndex <= snapshotIndex;
    }

    /**
     * True while this journal is <em>empty</em>: it never recorded an installed view nor the start
     * of a catch-up, holds no transaction record, and nothing has been written to it since the
     * replica started. Its disk is new (or wiped), or the crash lost the replica's first install
     * (the install record follows the install snapshot; a snapshot alone is the empty state the
     * replica started from). Such a replica never voted for a write: a prepare is journaled after
     * the install record, and the disk makes writes durable in order (docs/2pc.md, "Whole-group
     * crash": a fresh start).
     */
    boolean empty() {
        return empty;
    }

    void prepared(TxnId txn, Request request) {
        BinaryWriter w = new BinaryWriter(64).writeByte(PREPARED);
        writeTxn(w, txn);
        writeRequest(w, request);
        append(w.toBytes());
    }

    void committed(TxnId txn, long timestamp) {
        BinaryWriter w = new BinaryWriter(32).writeByte(COMMITTED);
        writeTxn(w, txn);
        append(w.writeVarLong(timestamp).toBytes());
    }

    void aborted(TxnId txn) {
        BinaryWriter w = new BinaryWriter(32).writeByte(ABORTED);
        writeTxn(w, txn);
        append(w.toBytes());
    }

    /** Records that this replica installed {@code view} (after any snapshot of the same install). */
    void installed(GroupView view) {
        BinaryWriter w = new BinaryWriter(32).writeByte(VIEW_FORMAT).writeVarLong(view.number());
        w.writeVarLong(view.members().size());
        for (NodeId m : view.members()) w.writeString(m.name());
        empty = false;
        outbox.persist(new PersistOp.PutStable(INSTALLED_KEY, w.toBytes()));
    }

    /** Records that this replica's state is no longer that of an installed view (before a state transfer replaces it). */
    void notInstalled() {
        installed(GroupView.NONE);
    }

    /** The view this replica last installed, as recorded; {@link GroupView#NONE} if none (or catching up). */
    static GroupView installedView(Storage storage) {
        var bytes = storage.stable().get(INSTALLED_KEY);
        if (bytes.isEmpty()) return GroupView.NONE;
        BinaryReader r = BinaryReader.of(bytes.get());
        int format = r.readByte();
        if (format != VIEW_FORMAT) throw new MalformedInputException("unknown installed-view format " + format);
        long number = r.readVarLong();
        int n = r.readLength(MEMBERS_MAX);
        List<NodeId> members = new ArrayList<>();
        for (int i = 0; i < n; i++) members.add(NodeId.of(r.readString(NodeId.NAME_LENGTH_MAX)));
        r.expectEnd();
        try {
            return new GroupView(number, members);
        } catch (RuntimeException e) {
            throw new MalformedInputException("bad installed view: " + e.getMessage());
        }
    }

    /** Replaces everything with a snapshot of a state in which nothing is in doubt (a view install or a state transfer). */
    void snapshot(long viewNumber, Bytes state) {
        empty = false;
        outbox.persist(new PersistOp.SaveSnapshot(new Snapshot(lastIndex, viewNumber, state)));
        outbox.persist(new PersistOp.CompactLog(lastIndex));
    }

    private void append(Bytes entry) {
        empty = false;
        outbox.persist(new PersistOp.AppendLog(++lastIndex, List.of(entry)));
    }

    /** The entries after the latest snapshot, in order. */
    static List<Entry> read(Storage storage) {
        List<Entry> out = new ArrayList<>();
        long after = storage.snapshots().latest().map(io.replikv.core.storage.Snapshot::index).orElse(0L);
        for (long i = Math.max(storage.log().firstIndex(), after + 1); i <= storage.log().lastIndex(); i++) {
            BinaryReader r = BinaryReader.of(storage.log().entry(i));
            int type = r.readByte();
            TxnId txn = readTxn(r);
            out.add(switch (type) {
                case PREPARED -> new Entry.Prepared(txn, readRequest(r));
                case COMMITTED -> new Entry.Committed(txn, r.readVarLong());
                case ABORTED -> new Entry.Aborted(txn);
                default -> throw new MalformedInputException("unknown journal entry type " + type);
            });
            r.expectEnd();
        }
        return out;
    }

    private static void writeTxn(BinaryWriter w, TxnId txn) {
        w.writeVarLong(txn.view()).writeString(txn.coordinator().name()).writeVarLong(txn.seq());
    }

    private static TxnId readTxn(BinaryReader r) {
        return new TxnId(r.readVarLong(), NodeId.of(r.readString(NodeId.NAME_LENGTH_MAX)), r.readVarLong());
    }

    static void writeRequest(BinaryWriter w, Request request) {
        w.writeLong(request.clientId()).writeVarLong(request.seq());
        Command c = request.command();
        switch (c) {
            case Command.Get g -> w.writeByte(1).writeBytes(g.key());
            case Command.Put p -> w.writeByte(2).writeBytes(p.key()).writeBytes(p.value());
            case Command.Append a -> w.writeByte(3).writeBytes(a.key()).writeBytes(a.value());
            case Command.PutHash h -> w.writeByte(4).writeBytes(h.key()).writeBytes(h.value());
            case Command.Delete d -> w.writeByte(5).writeBytes(d.key());
        }
    }

    static Request readRequest(BinaryReader r) {
        long clientId = r.readLong();
        long seq = r.readVarLong();
        int tag = r.readByte();
        Bytes key = r.readBytes(KvLimits.KEY_BYTES_MAX);
        Command c = switch (tag) {
            case 1 -> new Command.Get(key);
            case 2 -> new Command.Put(key, r.readBytes(KvLimits.VALUE_BYTES_MAX));
            case 3 -> new Command.Append(key, r.readBytes(KvLimits.VALUE_BYTES_MAX));
            case 4 -> new Command.PutHash(key, r.readBytes(KvLimits.VALUE_BYTES_MAX));
            case 5 -> new Command.Delete(key);
            default -> throw new MalformedInputException("unknown command tag " + tag);
        };
        return new Request(clientId, seq, c);
    }
}
