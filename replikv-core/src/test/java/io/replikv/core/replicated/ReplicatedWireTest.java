package io.replikv.core.replicated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.codec.Codec;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.Snapshot;
import io.replikv.core.twophase.GroupViewMessage;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.MalformedInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Goal: the wrapper's wire types travel through the standard codec under tags 130 and 131, and its
 * stored forms (an input batch, the inner storage image) round-trip and refuse damaged input.
 */
class ReplicatedWireTest {
    private static final Codec CODEC = Codec.standard();

    @Test
    void relayMessagesRoundTripThroughTheStandardCodec() {
        Bytes ping = Bytes.wrap(CODEC.encode(new GroupViewMessage.Ping(3, 42, 17, 0)));
        List<Message> messages = List.of(
                new ReplicatedMessage.Relay(NodeId.of("n1"), ping),
                new ReplicatedMessage.RelayBack(NodeId.of("n2"), ping));
        for (Message m : messages) assertThat(CODEC.decode(CODEC.encode(m))).isEqualTo(m);
        assertThat(CODEC.registry().typesByTag()).containsEntry(130, ReplicatedMessage.Relay.class)
                .containsEntry(131, ReplicatedMessage.RelayBack.class);
    }

    @Test
    void inputBatchesRoundTripAndRefuseDamage() {
        InputBatch batch = new InputBatch(5, List.of(
                new InputBatch.Input(NodeId.of("n1"), NodeId.of("vs2"), Bytes.wrap(CODEC.encode(new GroupViewMessage.GetView()))),
                new InputBatch.Input(NodeId.of("n2"), NodeId.of("vs1"), Bytes.of("x"))));
        assertThat(InputBatch.decode(batch.encode())).isEqualTo(batch);
        assertThat(InputBatch.decode(new InputBatch(0, List.of()).encode())).isEqualTo(new InputBatch(0, List.of()));
        byte[] damaged = batch.encode().toByteArray();
        damaged[0] = 9;
        assertThatThrownBy(() -> InputBatch.decode(Bytes.wrap(damaged))).isInstanceOf(MalformedInputException.class);
        Bytes truncated = Bytes.wrap(java.util.Arrays.copyOf(batch.encode().toByteArray(), 6));
        assertThatThrownBy(() -> InputBatch.decode(truncated)).isInstanceOf(MalformedInputException.class);
    }

    @Test
    void innerStorageImagesRoundTrip() {
        InnerStorage s = new InnerStorage();
        s.apply(new PersistOp.PutStable("b", Bytes.of("2")));
        s.apply(new PersistOp.PutStable("a", Bytes.of("1")));
        s.apply(new PersistOp.AppendLog(1, List.of(Bytes.of("e1"), Bytes.of("e2"), Bytes.of("e3"))));
        s.apply(new PersistOp.CompactLog(1));
        s.apply(new PersistOp.SaveSnapshot(new Snapshot(1, 4, Bytes.of("snap"))));
        InnerStorage back = InnerStorage.decode(s.encode());
        assertThat(back.encode()).isEqualTo(s.encode());
        assertThat(back.stable().get("a")).contains(Bytes.of("1"));
        assertThat(back.log().firstIndex()).isEqualTo(2);
        assertThat(back.log().entry(3)).isEqualTo(Bytes.of("e3"));
        assertThat(back.snapshots().latest()).contains(new Snapshot(1, 4, Bytes.of("snap")));
        assertThat(InnerStorage.decode(new InnerStorage().encode()).encode()).isEqualTo(new InnerStorage().encode());
        assertThatThrownBy(() -> InnerStorage.decode(Bytes.of("garbage"))).isInstanceOf(MalformedInputException.class);
    }
}
