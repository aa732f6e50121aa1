package io.replikv.core.twophase;

import io.replikv.core.NodeId;
import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the group view service keeps durable: the view, its members' incarnations, the attempt
 * counter, a pending change and the survivors of its latest attempt (null: no change pending, or
 * state written by format 1, which did not keep them), and whether the view was installed as a
 * fresh start (its members start empty; false in formats 1 and 2, which had no fresh start).
 */
record GroupViewState(GroupView view, SortedMap<NodeId, Long> incarnations, long attemptsStarted, boolean changePending,
                      List<NodeId> changeSurvivors, boolean freshView) {
    private static final int FORMAT_WITHOUT_SURVIVORS = 1;
    private static final int FORMAT_WITHOUT_FRESH = 2;
    private static final int FORMAT = 3;
    private static final int MEMBERS_MAX = 1024;

    GroupViewState {
        incarnations = new TreeMap<>(incarnations);
        changeSurvivors = changeSurvivors == null ? null : List.copyOf(changeSurvivors);
    }

    Bytes encode() {
        BinaryWriter w = new BinaryWriter(64);
        w.writeByte(FORMAT).writeVarLong(view.number()).writeVarLong(attemptsStarted).writeBoolean(changePending);
        w.writeVarLong(view.members().size());
        for (NodeId m : view.members()) {
            w.writeString(m.name());
            w.writeLong(incarnations.getOrDefault(m, 0L));
        }
        w.writeBoolean(changeSurvivors != null);
        if (changeSurvivors != null) {
            w.writeVarLong(changeSurvivors.size());
            for (NodeId m : changeSurvivors) w.writeString(m.name());
        }
        w.writeBoolean(freshView);
        return w.toBytes();
    }

    static GroupViewState decode(Bytes bytes) {
        BinaryReader r = BinaryReader.of(bytes);
        int format = r.readByte();
        if (format != FORMAT && format != FORMAT_WITHOUT_FRESH && format != FORMAT_WITHOUT_SURVIVORS) throw new io.replikv.core.util.MalformedInputException("unknown group view format " + format);
        long number = r.readVarLong();
        long attempts = r.readVarLong();
        boolean pending = r.readBoolean();
        int n = r.readLength(MEMBERS_MAX);
        List<NodeId> members = new ArrayList<>();
        TreeMap<NodeId, Long> inc = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            NodeId m = NodeId.of(r.readString(NodeId.NAME_LENGTH_MAX));
            members.add(m);
            inc.put(m, r.readLong());
        }
        List<NodeId> survivors = null;
        if (format != FORMAT_WITHOUT_SURVIVORS && r.readBoolean()) {
            int count = r.readLength(MEMBERS_MAX);
            survivors = new ArrayList<>();
            for (int i = 0; i < count; i++) survivors.add(NodeId.of(r.readString(NodeId.NAME_LENGTH_MAX)));
        }
        boolean fresh = format == FORMAT && r.readBoolean();
        r.expectEnd();
        return new GroupViewState(new GroupView(number, members), inc, attempts, pending, survivors, fresh);
    }
}
