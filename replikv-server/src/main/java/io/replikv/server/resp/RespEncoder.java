package io.replikv.server.resp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Writes {@link RespValue}s in RESP2 or RESP3. */
public final class RespEncoder {
    private RespEncoder() {}

    private static final byte[] CRLF = {'\r', '\n'};

    public static void write(RespValue value, int protocol, ByteBuf out) {
        switch (value) {
            case RespValue.Simple s -> line(out, '+', s.text());
            case RespValue.Error e -> line(out, '-', e.text());
            case RespValue.Int i -> line(out, ':', Long.toString(i.value()));
            case RespValue.Bulk b -> {
                line(out, '$', Integer.toString(b.data().length));
                out.writeBytes(b.data()).writeBytes(CRLF);
            }
            case RespValue.Null n -> out.writeBytes(protocol >= 3 ? "_\r\n".getBytes(StandardCharsets.US_ASCII)
                    : "$-1\r\n".getBytes(StandardCharsets.US_ASCII));
            case RespValue.Array a -> {
                line(out, '*', Integer.toString(a.items().size()));
                for (RespValue item : a.items()) write(item, protocol, out);
            }
            case RespValue.MapValue m -> {
                if (protocol >= 3) {
                    line(out, '%', Integer.toString(m.keysAndValues().size() / 2));
                } else {
                    line(out, '*', Integer.toString(m.keysAndValues().size()));
                }
                for (RespValue item : m.keysAndValues()) write(item, protocol, out);
            }
        }
    }

    private static void line(ByteBuf out, char type, String text) {
        out.writeByte(type);
        out.writeCharSequence(text, StandardCharsets.UTF_8);
        out.writeBytes(CRLF);
    }
}
