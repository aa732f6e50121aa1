package io.replikv.server.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Goal: every reply type is written byte-exactly in RESP2 and RESP3, and errors stay on one line. */
class RespEncoderTest {
    private static String encode(RespValue v, int protocol) {
        ByteBuf out = Unpooled.buffer();
        RespEncoder.write(v, protocol, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void writesEachTypeInResp2() {
        assertThat(encode(RespValue.OK, 2)).isEqualTo("+OK\r\n");
        assertThat(encode(new RespValue.Error("ERR x"), 2)).isEqualTo("-ERR x\r\n");
        assertThat(encode(new RespValue.Int(-7), 2)).isEqualTo(":-7\r\n");
        assertThat(encode(RespValue.bulk("héllo"), 2)).isEqualTo("$6\r\nh\u00c3\u00a9llo\r\n");
        assertThat(encode(new RespValue.Bulk(new byte[0]), 2)).isEqualTo("$0\r\n\r\n");
        assertThat(encode(RespValue.NULL, 2)).isEqualTo("$-1\r\n");
        assertThat(encode(new RespValue.Array(List.of(new RespValue.Int(1), RespValue.NULL)), 2)).isEqualTo("*2\r\n:1\r\n$-1\r\n");
        assertThat(encode(new RespValue.MapValue(List.of(RespValue.bulk("a"), new RespValue.Int(1))), 2))
                .isEqualTo("*2\r\n$1\r\na\r\n:1\r\n");
    }

    @Test
    void writesNullAndMapsNativelyInResp3() {
        assertThat(encode(RespValue.NULL, 3)).isEqualTo("_\r\n");
        assertThat(encode(new RespValue.MapValue(List.of(RespValue.bulk("a"), new RespValue.Int(1))), 3))
                .isEqualTo("%1\r\n$1\r\na\r\n:1\r\n");
    }

    @Test
    void errorsAndStatusesNeverContainLineBreaks() {
        assertThat(encode(new RespValue.Error("ERR a\r\nb\nc"), 2)).isEqualTo("-ERR a  b c\r\n");
        assertThat(encode(new RespValue.Simple("x\ny"), 2)).isEqualTo("+x y\r\n");
    }
}
