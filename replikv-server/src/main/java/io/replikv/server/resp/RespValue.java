package io.replikv.server.resp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A reply to a RESP client. Which bytes it becomes depends on the connection's protocol
 * (2 or 3): see {@link RespEncoder}.
 */
public sealed interface RespValue {
    /** {@code +text}: a status reply such as OK or PONG. */
    record Simple(String text) implements RespValue {
        public Simple {
            text = RespValue.oneLine(text);
        }
    }

    /** {@code -text}: an error; {@code text} starts with its code word (ERR, TRYAGAIN, UNKNOWN ...). */
    record Error(String text) implements RespValue {
        public Error {
            text = RespValue.oneLine(text);
        }
    }

    /** {@code :n}. */
    record Int(long value) implements RespValue {}

    /** {@code $len data}: binary safe. The array is owned by this value and never changed. */
    record Bulk(byte[] data) implements RespValue {
        public String utf8() {
            return new String(data, StandardCharsets.UTF_8);
        }

        /** By content, like the bytes on the wire (a record over an array would compare identity). */
        @Override
        public boolean equals(Object o) {
            return o instanceof Bulk b && java.util.Arrays.equals(data, b.data);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Bulk[" + new String(data, StandardCharsets.ISO_8859_1) + "]";
        }
    }

    /** The null bulk string of RESP2 ({@code $-1}) or RESP3's null ({@code _}). */
    record Null() implements RespValue {}

    /** {@code *n items}. */
    record Array(List<RespValue> items) implements RespValue {
        public Array {
            items = List.copyOf(items);
        }
    }

    /** RESP3 {@code %n} map; a flat array of alternating keys and values in RESP2. */
    record MapValue(List<RespValue> keysAndValues) implements RespValue {
        public MapValue {
            keysAndValues = List.copyOf(keysAndValues);
            if (keysAndValues.size() % 2 != 0) throw new IllegalArgumentException("odd number of map elements");
        }
    }

    Simple OK = new Simple("OK");
    Null NULL = new Null();

    static Bulk bulk(String utf8) {
        return new Bulk(utf8.getBytes(StandardCharsets.UTF_8));
    }

    static Error error(String text) {
        return new Error(text);
    }

    /** Simple strings and errors are one line by definition: CR and LF would break the framing. */
    private static String oneLine(String text) {
        return text.indexOf('\r') < 0 && text.indexOf('\n') < 0 ? text : text.replace('\r', ' ').replace('\n', ' ');
    }
}
