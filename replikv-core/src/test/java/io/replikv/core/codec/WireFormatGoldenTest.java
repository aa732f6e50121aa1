package io.replikv.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.PeerHello;
import io.replikv.core.msg.Reply;
import io.replikv.core.util.Bytes;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Goal: pin the bytes of format version 1. These are the examples in docs/wire-format.md; if one
 * changes, the change is incompatible with every deployed node and needs a new format version.
 */
class WireFormatGoldenTest {
    private static final Codec CODEC = Codec.standard();

    private static void assertBytes(Message m, String hex) {
        byte[] expected = HexFormat.of().parseHex(hex.replace(" ", ""));
        assertThat(HexFormat.of().formatHex(CODEC.encode(m))).isEqualTo(HexFormat.of().formatHex(expected));
        assertThat(CODEC.decode(expected)).isEqualTo(m);
    }

    @Test
    void peerHello() {
        assertBytes(new PeerHello("n1", 1), "01 03 01 02 6e31 00000001");
    }

    @Test
    void clientRequestWithPut() {
        assertBytes(new ClientRequest(7, new Request(5, 1, new Command.Put(Bytes.of("k"), Bytes.of("v")))),
                "01 01 0000000000000007 01 0a 0000000000000005 0000000000000001 01 15 01 01 6b 01 01 76");
    }

    @Test
    void clientReplyRejectedWithHint() {
        assertBytes(new ClientReply(7, new Reply.Rejected(Reply.RejectCode.WRONG_SERVER, "x", NodeId.of("n2"))),
                "01 02 0000000000000007 01 3d 01 01 01 01 78 01 02 6e32");
    }

    @Test
    void clientReplyAppliedMissingAndNulls() {
        assertBytes(new ClientReply(3, new Reply.Applied(Result.MISSING)), "01 02 0000000000000003 01 3c 01 29");
        assertBytes(new ClientReply(3, null), "01 02 0000000000000003 00");
    }

    @Test
    void framePrefixesTheBodyLength() {
        assertThat(HexFormat.of().formatHex(CODEC.frame(new PeerHello("n1", 1)))).isEqualTo("0000000a" + "010301026e3100000001");
    }
}
