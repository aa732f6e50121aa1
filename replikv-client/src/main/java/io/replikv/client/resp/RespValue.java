package io.replikv.client.resp;

import io.replikv.core.util.Bytes;
import java.util.List;

/**
 * One RESP2 value as a server sends it. The client never sends HELLO 3, so the RESP3 types never
 * arrive; a null bulk string and a null array both decode to {@link Nil}.
 */
public sealed interface RespValue {
    /** {@code +text}: e.g. OK, PONG. */
    record SimpleString(String text) implements RespValue {}

    /** {@code -CODE text}: {@code message} is everything after the dash. */
    record ErrorReply(String message) implements RespValue {
        /** The first word: ERR, TRYAGAIN, UNKNOWN ... */
        public String code() {
            int space = message.indexOf(' ');
            return space < 0 ? message : message.substring(0, space);
        }
    }

    /** {@code :n}. */
    record IntegerReply(long value) implements RespValue {}

    /** {@code $n} followed by n bytes: binary-safe. */
    record Bulk(Bytes value) implements RespValue {}

    /** {@code *n} followed by n values. */
    record Array(List<RespValue> items) implements RespValue {
        public Array {
            items = List.copyOf(items);
        }
    }

    /** {@code $-1} or {@code *-1}: absent. */
    record Nil() implements RespValue {}

    Nil NIL = new Nil();

    static RespValue bulk(String utf8) {
        return new Bulk(Bytes.of(utf8));
    }
}
