package io.replikv.core.viewservice;

import io.replikv.core.NodeId;
import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.MalformedInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the pb view service keeps durable (one stable value): the newest view, whether its primary
 * acknowledged it, the view before it, and the claim the newest view was made from, if any
 * ({@link RecoveryRule}). Written before any reply that shows a new view leaves.
 */
record ViewServiceState(View view, boolean acknowledged, View previous, RecoveryRule.Vouch madeFrom) {
    static final String KEY = "pb.viewservice";
    private static final int FORMAT = 1;

    Bytes encode() {
        BinaryWriter w = new BinaryWriter(64).writeByte(FORMAT);
        writeView(w, view);
        w.writeBoolean(acknowledged);
        writeView(w, previous);
        w.writeBoolean(madeFrom != null);
        if (madeFrom != null) {
            w.writeString(madeFrom.primary().name());
            w.writeVarLong(madeFrom.claim().viewNumber()).writeVarLong(madeFrom.claim().index());
        }
        return w.toBytes();
    }

    static ViewServiceState decode(Bytes bytes) {
        BinaryReader r = BinaryReader.of(bytes);
        int format = r.readByte();
        if (format != FORMAT) throw new MalformedInputException("unknown view service state format " + format);
        View view = readView(r);
        boolean acknowledged = r.readBoolean();
        View previous = readView(r);
        RecoveryRule.Vouch madeFrom = null;
        if (r.readBoolean()) {
            NodeId primary = NodeId.of(r.readString(NodeId.NAME_LENGTH_MAX));
            madeFrom = new RecoveryRule.Vouch(primary, new RecoveryRule.Claim(r.readVarLong(), r.readVarLong()));
        }
        r.expectEnd();
        return new ViewServiceState(view, acknowledged, previous, madeFrom);
    }

    static void writeView(BinaryWriter w, View v) {
        w.writeVarLong(v.number());
        w.writeString(v.primary() == null ? "" : v.primary().name());
        w.writeVarLong(v.backups().size());
        for (NodeId b : v.backups()) w.writeString(b.name());
    }

    static View readView(BinaryReader r) {
        long number = r.readVarLong();
        String primary = r.readString(NodeId.NAME_LENGTH_MAX);
        int n = r.readLength(ViewServiceConfig.BACKUPS_LIMIT);
        List<NodeId> backups = new ArrayList<>();
        for (int i = 0; i < n; i++) backups.add(NodeId.of(r.readString(NodeId.NAME_LENGTH_MAX)));
        try {
            return new View(number, primary.isEmpty() ? null : NodeId.of(primary), backups);
        } catch (RuntimeException e) {
            throw new MalformedInputException("bad view in view service state: " + e.getMessage());
        }
    }
}
