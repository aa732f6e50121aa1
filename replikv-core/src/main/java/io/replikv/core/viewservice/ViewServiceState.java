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
 * acknowledged it, the view before it, the claim the newest view was made from, if any
 * ({@link RecoveryRule}), and the members of the newest view seen to restart since they were
 * placed in it. Written before any reply that shows a new view, or a newly seen restart, leaves.
 *
 * <p>The restarts are kept because a restart is seen only once: the server pings 0, learns the
 * view from the answer and pings its number from then on. A restart seen while the view cannot
 * change yet (it is not acknowledged) and forgotten by a restart of the service — which a
 * replicated view service does at every compaction — would leave a member without its state fit
 * for promotion, and a primary promoted so serves nothing and never acknowledges: the service
 * would wait for good.
 *
 * <p>Stored form: format byte 2 (1, without the restarts, is still read), the views, the
 * acknowledgement, the vouch, then the restarted members (count, names).
 */
record ViewServiceState(View view, boolean acknowledged, View previous, RecoveryRule.Vouch madeFrom,
                        List<NodeId> restarted) {
    static final String KEY = "pb.viewservice";
    private static final int FORMAT = 2;
    private static final int FORMAT_WITHOUT_RESTARTS = 1;

    ViewServiceState {
        restarted = List.copyOf(restarted);
    }

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
        w.writeVarLong(restarted.size());
        for (NodeId m : restarted) w.writeString(m.name());
        return w.toBytes();
    }

    static ViewServiceState decode(Bytes bytes) {
        BinaryReader r = BinaryReader.of(bytes);
        int format = r.readByte();
        if (format != FORMAT && format != FORMAT_WITHOUT_RESTARTS) {
            throw new MalformedInputException("unknown view service state format " + format);
        }
        View view = readView(r);
        boolean acknowledged = r.readBoolean();
        View previous = readView(r);
        RecoveryRule.Vouch madeFrom = null;
        if (r.readBoolean()) {
            NodeId primary = NodeId.of(r.readString(NodeId.NAME_LENGTH_MAX));
            madeFrom = new RecoveryRule.Vouch(primary, new RecoveryRule.Claim(r.readVarLong(), r.readVarLong()));
        }
        List<NodeId> restarted = new ArrayList<>();
        if (format == FORMAT) {
            // only members of the view restart in it: at most a primary and its backups
            int n = r.readLength(ViewServiceConfig.BACKUPS_LIMIT + 1);
            for (int i = 0; i < n; i++) restarted.add(NodeId.of(r.readString(NodeId.NAME_LENGTH_MAX)));
        }
        r.expectEnd();
        return new ViewServiceState(view, acknowledged, previous, madeFrom, restarted);
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
