package io.replikv.core.raft;

import io.replikv.core.NodeId;
import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.MalformedInputException;

/**
 * The term and vote, stored together under one stable key so that one write changes both: a node
 * must never be seen with a new term and an old term's vote.
 */
record HardState(long term, NodeId votedFor) {
    static final String STABLE_KEY = "raft.hardState";
    static final HardState INITIAL = new HardState(0, null);

    Bytes encode() {
        return new BinaryWriter(32).writeVarLong(term).writeString(votedFor == null ? "" : votedFor.name()).toBytes();
    }

    static HardState decode(Bytes stored) {
        BinaryReader r = BinaryReader.of(stored);
        long term = r.readVarLong();
        String vote = r.readString(NodeId.NAME_LENGTH_MAX);
        r.expectEnd();
        if (term == 0 && !vote.isEmpty()) throw new MalformedInputException("vote in term 0");
        return new HardState(term, vote.isEmpty() ? null : NodeId.of(vote));
    }
}
