package io.replikv.core.pb;

import io.replikv.core.NodeId;
import io.replikv.core.Outbox;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.RequestFormat;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.Snapshot;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.MalformedInputException;
import io.replikv.core.viewservice.View;
import java.util.ArrayList;
import java.util.List;

/**
 * A pb server's durable record (docs/durability.md, "pb"):
 * <ul>
 *   <li>a stable value {@value #VIEW_KEY}: the view it holds and whether it is synced in it;</li>
 *   <li>the log: one entry per update of the primary's stream it applied (a backup) or is about
 *       to apply (the primary), each with its stream index — log positions are this server's own
 *       count, independent of stream indexes, so a state transfer can replace everything;</li>
 *   <li>a snapshot: the stream index and {@code KvStateMachine.snapshot()}, written when a state
 *       transfer is installed and every {@link PbConfig#snapshotLogEntries()} log entries.</li>
 * </ul>
 * Recovery reads the snapshot, then replays the log after it; the entries must continue the
 * stream without a gap.
 */
final class PbJournal {
    static final String VIEW_KEY = "pb.server";
    private static final int FORMAT = 1;

    /** What a restart finds on disk. {@code lastUpdate}: the update at {@code index} if it came from the log. */
    record Recovered(KvStateMachine stateMachine, long index, Request lastUpdate, View view, boolean synced,
                     long logPosition, long entriesSinceSnapshot) {}

    private final Outbox outbox;
    private final long snapshotLogEntries;
    private long logPosition;
    private long entriesSinceSnapshot;
    private View persistedView;
    private boolean persistedSynced;

    PbJournal(Outbox outbox, long snapshotLogEntries, Recovered recovered) {
        this.outbox = outbox;
        this.snapshotLogEntries = snapshotLogEntries;
        this.logPosition = recovered.logPosition();
        this.entriesSinceSnapshot = recovered.entriesSinceSnapshot();
        this.persistedView = recovered.view();
        this.persistedSynced = recovered.synced();
    }

    /** Records the view held and whether this server is synced in it, if either changed. */
    void viewHeld(View view, boolean synced) {
        if (view.equals(persistedView) && synced == persistedSynced) return;
        persistedView = view;
        persistedSynced = synced;
        BinaryWriter w = new BinaryWriter(64).writeByte(FORMAT).writeBoolean(synced).writeVarLong(view.number());
        w.writeString(view.primary() == null ? "" : view.primary().name());
        w.writeVarLong(view.backups().size());
        for (NodeId b : view.backups()) w.writeString(b.name());
        outbox.persist(new PersistOp.PutStable(VIEW_KEY, w.toBytes()));
    }

    /** Appends update {@code streamIndex} of the primary's stream. */
    void update(long streamIndex, Request request) {
        BinaryWriter w = new BinaryWriter(32 + request.command().key().length()).writeByte(FORMAT);
        w.writeVarLong(streamIndex);
        writeRequest(w, request);
        outbox.persist(new PersistOp.AppendLog(++logPosition, List.of(w.toBytes())));
        entriesSinceSnapshot++;
    }

    /** True when the log has grown past the threshold since the last snapshot. */
    boolean snapshotDue() {
        return entriesSinceSnapshot >= snapshotLogEntries;
    }

    /** Replaces everything written so far with a snapshot of {@code stateMachine} after {@code streamIndex} updates. */
    void snapshot(long streamIndex, KvStateMachine stateMachine) {
        Bytes kv = stateMachine.snapshot();
        BinaryWriter w = new BinaryWriter(kv.length() + 16).writeByte(FORMAT).writeVarLong(streamIndex).writeBytes(kv);
        outbox.persist(new PersistOp.SaveSnapshot(new Snapshot(logPosition, persistedView.number(), w.toBytes())));
        outbox.persist(new PersistOp.CompactLog(logPosition));
        entriesSinceSnapshot = 0;
    }

    static Recovered read(Storage storage) {
        KvStateMachine sm = new KvStateMachine();
        long index = 0;
        long covered = 0;
        var snapshot = storage.snapshots().latest();
        if (snapshot.isPresent()) {
            BinaryReader r = BinaryReader.of(snapshot.get().data());
            expectFormat(r.readByte());
            index = r.readVarLong();
            sm = KvStateMachine.restore(r.readBytes(Integer.MAX_VALUE));
            r.expectEnd();
            covered = snapshot.get().index();
        }
        Request last = null;
        long entries = 0;
        long lastPosition = storage.log().lastIndex();
        for (long p = Math.max(storage.log().firstIndex(), covered + 1); p <= lastPosition; p++) {
            BinaryReader r = BinaryReader.of(storage.log().entry(p));
            expectFormat(r.readByte());
            long streamIndex = r.readVarLong();
            Request request = readRequest(r);
            r.expectEnd();
            if (streamIndex != index + 1) {
                throw new MalformedInputException("pb log position " + p + " holds update " + streamIndex
                        + " after update " + index);
            }
            sm.apply(request);
            index = streamIndex;
            last = request;
            entries++;
        }
        View view = View.INITIAL;
        boolean synced = false;
        var held = storage.stable().get(VIEW_KEY);
        if (held.isPresent()) {
            BinaryReader r = BinaryReader.of(held.get());
            expectFormat(r.readByte());
            synced = r.readBoolean();
            view = readView(r);
            r.expectEnd();
        }
        return new Recovered(sm, index, last, view, synced, Math.max(lastPosition, covered), entries);
    }

    private static View readView(BinaryReader r) {
        long number = r.readVarLong();
        String primary = r.readString(NodeId.NAME_LENGTH_MAX);
        int n = r.readLength(io.replikv.core.viewservice.ViewServiceConfig.BACKUPS_LIMIT);
        List<NodeId> backups = new ArrayList<>();
        for (int i = 0; i < n; i++) backups.add(NodeId.of(r.readString(NodeId.NAME_LENGTH_MAX)));
        try {
            return new View(number, primary.isEmpty() ? null : NodeId.of(primary), backups);
        } catch (RuntimeException e) {
            throw new MalformedInputException("bad view in pb server state: " + e.getMessage());
        }
    }

    private static void expectFormat(int format) {
        if (format != FORMAT) throw new MalformedInputException("unknown pb journal format " + format);
    }

    static void writeRequest(BinaryWriter w, Request request) {
        RequestFormat.write(w, request);
    }

    static Request readRequest(BinaryReader r) {
        return RequestFormat.read(r);
    }
}
