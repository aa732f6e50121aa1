package io.replikv.core.vsraft;

import io.replikv.core.NodeId;
import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.MalformedInputException;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored forms of the replicated view service: a {@link VsCommand} (a Raft log entry's
 * payload) and a {@link VsState} (a snapshot). Both outlive releases, so each starts with a format
 * byte, and command tags are fixed.
 */
public final class VsCommandCodec {
    private static final int FORMAT = 1;
    private static final int FIRST_VIEW = 1, ACKNOWLEDGE = 2, LEARNED = 3, RESTARTED = 4, NEW_VIEW = 5;
    /** Servers a stored set may hold: a view's members, at most one primary and the backup limit. */
    private static final int SET_SIZE_MAX = ViewServiceConfig.BACKUPS_LIMIT + 1;

    private VsCommandCodec() {}

    public static Bytes encode(VsCommand command) {
        BinaryWriter w = new BinaryWriter(64);
        w.writeByte(FORMAT);
        switch (command) {
            case VsCommand.FirstView f -> writeId(w.writeByte(FIRST_VIEW), f.primary());
            case VsCommand.Acknowledge a -> writeId(w.writeByte(ACKNOWLEDGE).writeVarLong(a.viewNumber()), a.primary());
            case VsCommand.Learned l -> writeId(w.writeByte(LEARNED).writeVarLong(l.viewNumber()), l.server());
            case VsCommand.Restarted r -> writeId(w.writeByte(RESTARTED).writeVarLong(r.viewNumber()), r.server());
            case VsCommand.NewView n -> writeView(w.writeByte(NEW_VIEW), n.next());
        }
        return w.toBytes();
    }

    public static VsCommand decode(Bytes payload) {
        BinaryReader r = BinaryReader.of(payload);
        readFormat(r);
        int tag = r.readByte();
        VsCommand command = switch (tag) {
            case FIRST_VIEW -> new VsCommand.FirstView(readId(r));
            case ACKNOWLEDGE -> new VsCommand.Acknowledge(r.readVarLong(), readId(r));
            case LEARNED -> new VsCommand.Learned(r.readVarLong(), readId(r));
            case RESTARTED -> new VsCommand.Restarted(r.readVarLong(), readId(r));
            case NEW_VIEW -> new VsCommand.NewView(readView(r));
            default -> throw new MalformedInputException("unknown view-service command tag " + tag);
        };
        r.expectEnd();
        return command;
    }

    /** A snapshot of {@code state}. */
    public static Bytes encodeState(VsState state) {
        BinaryWriter w = new BinaryWriter(128);
        w.writeByte(FORMAT);
        writeView(w, state.view());
        w.writeBoolean(state.acknowledged());
        writeIds(w, state.learned());
        writeIds(w, state.restarted());
        return w.toBytes();
    }

    public static VsState decodeState(Bytes snapshot) {
        BinaryReader r = BinaryReader.of(snapshot);
        readFormat(r);
        View view = readView(r);
        boolean acknowledged = r.readBoolean();
        List<NodeId> learned = readIds(r);
        List<NodeId> restarted = readIds(r);
        r.expectEnd();
        return VsState.of(view, acknowledged, learned, restarted);
    }

    private static void readFormat(BinaryReader r) {
        int format = r.readByte();
        if (format != FORMAT) throw new MalformedInputException("unknown view-service format " + format);
    }

    private static BinaryWriter writeId(BinaryWriter w, NodeId id) {
        return w.writeString(id.name());
    }

    private static NodeId readId(BinaryReader r) {
        String name = r.readString(NodeId.NAME_LENGTH_MAX * 4);
        if (name.isEmpty() || name.length() > NodeId.NAME_LENGTH_MAX) throw new MalformedInputException("bad node name");
        return NodeId.of(name);
    }

    private static void writeIds(BinaryWriter w, List<NodeId> ids) {
        w.writeVarLong(ids.size());
        for (NodeId id : ids) writeId(w, id);
    }

    private static List<NodeId> readIds(BinaryReader r) {
        int n = r.readLength(SET_SIZE_MAX);
        List<NodeId> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) ids.add(readId(r));
        return ids;
    }

    private static void writeView(BinaryWriter w, View view) {
        w.writeVarLong(view.number());
        w.writeBoolean(view.primary() != null);
        if (view.primary() != null) writeId(w, view.primary());
        writeIds(w, view.backups());
    }

    private static View readView(BinaryReader r) {
        long number = r.readVarLong();
        NodeId primary = r.readBoolean() ? readId(r) : null;
        List<NodeId> backups = readIds(r);
        if (number < 0 || (number == 0) != (primary == null) || (number == 0 && !backups.isEmpty())
                || backups.contains(primary) || backups.stream().distinct().count() != backups.size()) {
            throw new MalformedInputException("malformed view " + number + " " + primary + " " + backups);
        }
        return new View(number, primary, backups);
    }
}
