package io.replikv.core.vsraft;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.codec.Codec;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The relay messages travel through the standard codec under tags 120 and 121, carrying view-service messages inside. */
class VsRaftWireTest {
    @Test
    void relayMessagesRoundTripThroughTheStandardCodec() {
        View view = new View(7, NodeId.of("s1"), List.of(NodeId.of("s2"), NodeId.of("s3")));
        List<Message> messages = List.of(
                new VsRaftMessage.RelayRequest(NodeId.of("s1"), new ViewServiceMessage.Ping(6)),
                new VsRaftMessage.RelayRequest(NodeId.of("c9"), new ViewServiceMessage.GetView(0)),
                new VsRaftMessage.RelayReply(NodeId.of("s1"), new ViewServiceMessage.PingReply(6, view)),
                new VsRaftMessage.RelayReply(NodeId.of("c9"), new ViewServiceMessage.ViewReply(View.INITIAL)));
        Codec codec = Codec.standard();
        for (Message m : messages) assertThat(codec.decode(codec.encode(m))).isEqualTo(m);
        assertThat(codec.registry().typesByTag()).containsEntry(120, VsRaftMessage.RelayRequest.class)
                .containsEntry(121, VsRaftMessage.RelayReply.class);
    }
}
