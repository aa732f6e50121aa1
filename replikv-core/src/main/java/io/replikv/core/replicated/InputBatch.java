package io.replikv.core.replicated;

import io.replikv.core.NodeId;
import io.replikv.core.codec.Codec;
import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.MalformedInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * One Raft log entry of a {@link ReplicatedNode}: the leader's ticks since its previous batch,
 * then the messages it collected, in arrival order. Applied in that order (ticks first) by every
 * member: a message is never charged with ticks that passed before it arrived (docs/viewservice.md,
 * "Time").
 *
 * <p>Stored form (it outlives releases): format byte 1, ticks (varlong), input count (varlong),
 * then per input the origin's name, the name of the member that received it, and the message as
 * the codec encodes it.
 *
 * @param ticks  inner ticks to apply before the messages
 * @param inputs the messages, in the order the leader collected them
 */
record InputBatch(long ticks, List<Input> inputs) {
    private static final int FORMAT = 1;

    /**
     * A message for the inner node. {@code receivedBy} is the member it arrived at (the leader, or
     * the follower that relayed it): outputs for {@code origin} are also routed through it.
     * {@code message} is the codec's encoding, checked to decode when it was collected.
     */
    record Input(NodeId origin, NodeId receivedBy, Bytes message) {}

    InputBatch {
        inputs = List.copyOf(inputs);
    }

    Bytes encode() {
        BinaryWriter w = new BinaryWriter(64 + inputs.size() * 64);
        w.writeByte(FORMAT).writeVarLong(ticks).writeVarLong(inputs.size());
        for (Input in : inputs) {
            w.writeString(in.origin().name()).writeString(in.receivedBy().name()).writeBytes(in.message());
        }
        return w.toBytes();
    }

    static InputBatch decode(Bytes payload) {
        BinaryReader r = BinaryReader.of(payload);
        int format = r.readByte();
        if (format != FORMAT) throw new MalformedInputException("input batch format " + format + ", expected " + FORMAT);
        long ticks = r.readVarLong();
        int count = r.readLength(ReplicatedConfig.BUFFERED_INPUTS_LIMIT);
        List<Input> inputs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            NodeId origin = NodeId.of(r.readString(NodeId.NAME_LENGTH_MAX));
            NodeId receivedBy = NodeId.of(r.readString(NodeId.NAME_LENGTH_MAX));
            inputs.add(new Input(origin, receivedBy, r.readBytes(Codec.FRAME_BYTES_MAX)));
        }
        r.expectEnd();
        return new InputBatch(ticks, inputs);
    }
}
