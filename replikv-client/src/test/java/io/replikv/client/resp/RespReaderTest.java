package io.replikv.client.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.util.Bytes;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Goal: the RESP2 reader decodes every reply type (binary-safe), round-trips whatever the writer
 * writes even when bytes arrive one at a time, and rejects malformed or oversized input with a
 * RespProtocolException (or EOFException when the stream ends) instead of guessing.
 */
class RespReaderTest {
    private static RespValue read(String wire) throws IOException {
        return new RespReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1))).read();
    }

    @Test
    void decodesEachType() throws IOException {
        assertThat(read("+OK\r\n")).isEqualTo(new RespValue.SimpleString("OK"));
        assertThat(read("-TRYAGAIN BUSY wait\r\n")).isEqualTo(new RespValue.ErrorReply("TRYAGAIN BUSY wait"));
        assertThat(((RespValue.ErrorReply) read("-TRYAGAIN BUSY wait\r\n")).code()).isEqualTo("TRYAGAIN");
        assertThat(read(":-42\r\n")).isEqualTo(new RespValue.IntegerReply(-42));
        assertThat(read("$3\r\na\r\n\r\n")).isEqualTo(new RespValue.Bulk(Bytes.of("a\r\n")));
        assertThat(read("$0\r\n\r\n")).isEqualTo(new RespValue.Bulk(Bytes.EMPTY));
        assertThat(read("$-1\r\n")).isEqualTo(RespValue.NIL);
        assertThat(read("*-1\r\n")).isEqualTo(RespValue.NIL);
        assertThat(read("*2\r\n:1\r\n*1\r\n$1\r\nx\r\n")).isEqualTo(new RespValue.Array(List.of(
                new RespValue.IntegerReply(1), new RespValue.Array(List.of(RespValue.bulk("x"))))));
    }

    @Test
    void readsPipelinedRepliesInOrder() throws IOException {
        RespReader reader = new RespReader(new ByteArrayInputStream("+OK\r\n:1\r\n$-1\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(List.of(reader.read(), reader.read(), reader.read()))
                .containsExactly(new RespValue.SimpleString("OK"), new RespValue.IntegerReply(1), RespValue.NIL);
        assertThatThrownBy(reader::read).isInstanceOf(EOFException.class);
    }

    @Test
    void rejectsMalformedReplies() {
        for (String bad : List.of("?x\r\n", "+OK\n", "+O\rK\r\n", ":12a\r\n", ":\r\n", ":+5\r\n", ":99999999999999999999\r\n",
                "$-2\r\n", "$abc\r\n", "$3\r\nabcd\r\n", "$3\r\nabc\n\n", "*-5\r\n", "*x\r\n")) {
            assertThatThrownBy(() -> read(bad)).as(bad.replace("\r", "\\r").replace("\n", "\\n"))
                    .isInstanceOf(RespProtocolException.class);
        }
    }

    @Test
    void truncatedRepliesAreEndOfStream() {
        for (String cut : List.of("", "+OK", "+OK\r", "$5\r\nab", "$2\r\nab", "$2\r\nab\r", "*2\r\n:1\r\n")) {
            assertThatThrownBy(() -> read(cut)).as(cut).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void enforcesItsLimits() {
        assertThatThrownBy(() -> read("$" + (RespReader.BULK_BYTES_MAX + 1) + "\r\n"))
                .isInstanceOf(RespProtocolException.class).hasMessageContaining("bulk length");
        assertThatThrownBy(() -> read("*" + (RespReader.ARRAY_ELEMENTS_MAX + 1) + "\r\n"))
                .isInstanceOf(RespProtocolException.class).hasMessageContaining("array length");
        assertThatThrownBy(() -> read("+" + "a".repeat(RespReader.LINE_BYTES_MAX + 1) + "\r\n"))
                .isInstanceOf(RespProtocolException.class).hasMessageContaining("longer than");
        assertThatThrownBy(() -> read("*1\r\n".repeat(RespReader.NESTING_DEPTH_MAX + 1) + ":1\r\n"))
                .isInstanceOf(RespProtocolException.class).hasMessageContaining("nested");
    }

    @Test
    void acceptsValuesAtTheLimits() throws IOException {
        assertThat(read("+" + "a".repeat(RespReader.LINE_BYTES_MAX) + "\r\n")).isInstanceOf(RespValue.SimpleString.class);
        assertThat(read("*1\r\n".repeat(RespReader.NESTING_DEPTH_MAX) + ":1\r\n")).isInstanceOf(RespValue.Array.class);
    }

    @Property(tries = 300)
    void roundTripsWhatTheWriterWritesEvenOneByteAtATime(@ForAll("values") RespValue value) throws IOException {
        byte[] wire = RespWriter.toBytes(value);
        assertThat(new RespReader(new ByteArrayInputStream(wire)).read()).isEqualTo(value);
        assertThat(new RespReader(trickle(wire)).read()).isEqualTo(value);
    }

    /** A stream that hands out one byte per read call, like a slow network. */
    private static InputStream trickle(byte[] wire) {
        return new ByteArrayInputStream(wire) {
            @Override
            public int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    @Provide
    Arbitrary<RespValue> values() {
        Arbitrary<RespValue> leaf = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(20).map(RespValue.SimpleString::new),
                Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(20).map(RespValue.ErrorReply::new),
                Arbitraries.longs().map(RespValue.IntegerReply::new),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(b -> new RespValue.Bulk(Bytes.wrap(b))),
                Arbitraries.just(RespValue.NIL));
        return Arbitraries.recursive(() -> leaf,
                inner -> inner.list().ofMaxSize(4).map(items -> (RespValue) new RespValue.Array(new ArrayList<>(items))), 3);
    }
}
