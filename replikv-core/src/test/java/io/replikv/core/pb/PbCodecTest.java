package io.replikv.core.pb;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.codec.Codec;
import io.replikv.core.codec.CodecRegistry;
import io.replikv.core.codec.Codecs;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.util.Bytes;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceMessage;
import io.replikv.core.viewservice.ViewServiceMessages;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The view service and primary/backup messages travel through the codec: their registrations
 * build (every field type supported, every nested record tagged, tags in their ranges) and every
 * message round-trips, nulls included (view 0 has no primary; a refusal may name no primary).
 */
class PbCodecTest {
    private static final Codec CODEC = Codec.of(PbMessages.register(ViewServiceMessages.register(
            Codecs.registerCommon(CodecRegistry.builder()))).build());

    @Test
    void tagsLieInTheirRanges() {
        assertThat(ViewServiceMessages.FIRST_TAG + ViewServiceMessages.types().size() - 1).isLessThan(200);
        assertThat(PbMessages.FIRST_TAG + PbMessages.types().size() - 1).isLessThan(300);
        assertThat(CODEC.registry().tagOf(PbMessage.Relay.class)).isEqualTo(206);
        assertThat(CODEC.registry().tagOf(View.class)).isEqualTo(104);
    }

    @Test
    void everyMessageRoundTrips() {
        NodeId s1 = NodeId.of("s1"), s2 = NodeId.of("s2");
        Request request = new Request(7, 3, new Command.Append(Bytes.of("k"), Bytes.of("v")));
        List<Message> messages = List.of(
                new ViewServiceMessage.Ping(0),
                new ViewServiceMessage.PingReply(0, View.INITIAL),
                new ViewServiceMessage.PingReply(4, new View(5, s1, List.of(s2, NodeId.of("s3")))),
                new ViewServiceMessage.GetView(3),
                new ViewServiceMessage.ViewReply(new View(1, s1, List.of())),
                new PbMessage.Forward(5, 11, 42, request),
                new PbMessage.Confirm(5, 12, 42),
                new PbMessage.Accepted(5, 12),
                new PbMessage.Refused(5, 12, PbMessage.Refusal.WRONG_VIEW, 6, s2),
                new PbMessage.Refused(0, 1, PbMessage.Refusal.NOT_BACKUP, 0, null),
                new PbMessage.StateChunk(5, 13, 0, 2, 42, Bytes.of("snapshot part")),
                new PbMessage.ChunkAccepted(5, 13, 0),
                new PbMessage.Relay(99, Request.untagged(new Command.Get(Bytes.of("k")))));
        assertThat(messages.stream().map(Object::getClass).distinct().count())
                .isEqualTo(ViewServiceMessages.types().size() - 1 + PbMessages.types().size()); // View nests only
        for (Message m : messages) assertThat(CODEC.decode(CODEC.encode(m))).isEqualTo(m);
    }
}
