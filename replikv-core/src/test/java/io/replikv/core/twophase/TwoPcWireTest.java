package io.replikv.core.twophase;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.codec.Codec;
import io.replikv.core.codec.CodecRegistry;
import io.replikv.core.codec.Codecs;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.util.Bytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Goal: every 2pc wire record can be registered with the codec in the 300–399 range, and every
 * message type survives encode → decode unchanged (including empty lists, nested records and a
 * null state source), so the runtime can carry the protocol as the simulator does.
 */
class TwoPcWireTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final TxnId T = new TxnId(3, N1, 9);

    private static Codec codec() {
        // the production registry: proves the 2pc tags coexist with every other protocol's
        return Codec.of(Codecs.standardRegistry());
    }

    @Test
    void tagsStayInTheTwoPcRange() {
        assertThat(TwoPcMessages.TAG_FIRST + TwoPcMessages.types().size() - 1).isLessThanOrEqualTo(399);
        assertThat(TwoPcMessages.types()).doesNotHaveDuplicates();
    }

    @Test
    void everyMessageRoundTrips() {
        Codec codec = codec();
        Request r = new Request(5, 2, new Command.Append(Bytes.of("k"), Bytes.of("v")));
        List<Message> messages = List.of(
                new GroupViewMessage.Ping(2, -7, 100),
                new GroupViewMessage.Ping(0, -7, 100, 0, true),
                new GroupViewMessage.GetView(),
                new GroupViewMessage.ViewReply(new GroupView(2, List.of(N1, NodeId.of("n2"))), 100, true),
                new GroupViewMessage.ViewReply(GroupView.NONE, 0, false),
                new GroupViewMessage.Freeze(3, 4),
                new GroupViewMessage.Frozen(3, 4, List.of(new TxnKey(T, Bytes.of("k")))),
                new GroupViewMessage.SettleQuery(3, 4, List.of()),
                new GroupViewMessage.SettleAnswer(3, 4, List.of(new CommitDecision(T, 12))),
                new GroupViewMessage.Settle(3, 4, List.of(new CommitDecision(T, 12)), List.of(N1), N1),
                new GroupViewMessage.Settled(3, 4),
                new GroupViewMessage.CaughtUp(3, 4, 99),
                new GroupViewMessage.Install(new GroupView(3, List.of(N1))),
                new GroupViewMessage.Install(new GroupView(3, List.of(N1)), true),
                new TwoPcMessage.Prepare(T, r),
                new TwoPcMessage.Vote(T, false, 0, "key locked"),
                new TwoPcMessage.Commit(T, 12),
                new TwoPcMessage.Abort(T),
                new TwoPcMessage.Applied(T),
                new TwoPcMessage.Stable(T),
                new TwoPcMessage.Inquire(T, true),
                new TwoPcMessage.StateTransfer(3, 4, Bytes.of("state")));
        assertThat(messages.stream().map(Object::getClass).distinct().count())
                .as("one sample per message type").isEqualTo(TwoPcMessages.types().size() - 4);
        for (Message m : messages) assertThat(codec.decode(codec.encode(m))).isEqualTo(m);
    }
}
