package io.replikv.server.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Goal: the RESP request parser reads arrays and inline commands however the bytes are split,
 * enforces every limit before allocating, and on any input whatsoever either returns commands,
 * asks for more bytes, or throws {@link RespProtocolException} — never anything else.
 */
class RespParserTest {
    private static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static List<String> strings(List<byte[]> args) {
        return args.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
    }

    private static List<List<String>> parseAll(RespParser p, ByteBuf in) throws RespProtocolException {
        List<List<String>> out = new ArrayList<>();
        for (List<byte[]> c; (c = p.next(in)) != null; ) out.add(strings(c));
        return out;
    }

    @Test
    void readsArraysOfBulkStrings() throws Exception {
        ByteBuf in = buf("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n*1\r\n$4\r\nPING\r\n");
        assertThat(parseAll(new RespParser(), in)).containsExactly(List.of("SET", "k", ""), List.of("PING"));
        assertThat(in.readableBytes()).isZero();
    }

    @Test
    void bulkStringsAreBinarySafe() throws Exception {
        ByteBuf in = buf("*2\r\n$3\r\nGET\r\n$4\r\n\r\n\0\u00ff\r\n");
        List<byte[]> c = new RespParser().next(in);
        assertThat(c.get(1)).containsExactly('\r', '\n', 0, 0xff);
    }

    @Test
    void waitsForMoreBytesWhenSplitAnywhere() throws Exception {
        String wire = "*2\r\n$4\r\nECHO\r\n$11\r\nhello world\r\nPING\r\n*1\r\n$4\r\nQUIT\r\n";
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        RespParser p = new RespParser();
        ByteBuf in = Unpooled.buffer();
        List<List<String>> got = new ArrayList<>();
        for (byte b : bytes) {
            in.writeByte(b);
            got.addAll(parseAll(p, in));
        }
        assertThat(got).containsExactly(List.of("ECHO", "hello world"), List.of("PING"), List.of("QUIT"));
    }

    @Test
    void inlineCommandsSplitOnBlanksAndHonourQuotes() throws Exception {
        ByteBuf in = buf("set  k \"a b\\n\\x41\"\r\nget 'it\\'s'\n\r\n   \n");
        assertThat(parseAll(new RespParser(), in))
                .containsExactly(List.of("set", "k", "a b\nA"), List.of("get", "it's"));
    }

    @Test
    void emptyArraysAreIgnored() throws Exception {
        assertThat(parseAll(new RespParser(), buf("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n"))).containsExactly(List.of("PING"));
    }

    @Test
    void refusesBadInputWithAProtocolError() {
        assertRefused("*1\r\n+PING\r\n", "expected '$'");
        assertRefused("*1\r\n$-1\r\n", "invalid bulk length");
        assertRefused("*-2\r\n", "invalid multibulk length");
        assertRefused("*x\r\n", "invalid multibulk length");
        assertRefused("*1\r\n$4\r\nPINGxx", "expected CRLF");
        assertRefused("*1\n", "CRLF");
        assertRefused("get \"unterminated\r\n", "unbalanced quotes");
        assertRefused("get \"a\"b\r\n", "unbalanced quotes");
        assertRefused("*99999999999999999999\r\n", "invalid multibulk length");
    }

    @Test
    void enforcesLimitsBeforeAllocating() {
        assertRefused("*" + (RespLimits.ARGS_PER_COMMAND_MAX + 1) + "\r\n", "invalid multibulk length");
        assertRefused("*1\r\n$" + (RespLimits.BULK_BYTES_MAX + 1) + "\r\n", "invalid bulk length");
        assertRefused("*1\r\n$2147483648\r\n", "invalid bulk length");
        assertRefused("x".repeat(RespLimits.INLINE_LINE_BYTES_MAX + 2), "longer than");
        assertRefused("*1" + "1".repeat(40), "longer than");
        // many big bulks in one command: the per-command byte limit trips before the data arrives
        StringBuilder s = new StringBuilder("*1000\r\n");
        int bulk = RespLimits.BULK_BYTES_MAX;
        int needed = RespLimits.COMMAND_BYTES_MAX / bulk + 1;
        for (int i = 0; i < needed; i++) s.append("$").append(bulk).append("\r\n").append("v".repeat(bulk)).append("\r\n");
        assertRefused(s.toString(), "command larger than");
    }

    @Test
    void acceptsABulkAtTheLimit() throws Exception {
        String v = "v".repeat(RespLimits.BULK_BYTES_MAX);
        List<byte[]> c = new RespParser().next(buf("*2\r\n$3\r\nSET\r\n$" + v.length() + "\r\n" + v + "\r\n"));
        assertThat(c.get(1)).hasSize(RespLimits.BULK_BYTES_MAX);
    }

    private static void assertRefused(String wire, String message) {
        assertThatThrownBy(() -> parseAll(new RespParser(), buf(wire)))
                .isInstanceOf(RespProtocolException.class).hasMessageContaining(message);
    }

    /** Random bytes, fed in random pieces: the only exception allowed is the protocol error. */
    @Property(tries = 500)
    void randomBytesNeverThrowAnythingButProtocolErrors(@ForAll @Size(max = 2048) byte[] junk, @ForAll long seed) {
        feedRandomly(junk, seed);
    }

    /** Mostly valid RESP with random corruption: parses or refuses, nothing else. */
    @Property(tries = 500)
    void corruptedRequestsNeverThrowAnythingButProtocolErrors(@ForAll long seed) {
        Random r = new Random(seed);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 5; i++) s.append("*2\r\n$3\r\nGET\r\n$").append(i + 1).append("\r\n").append("k".repeat(i + 1)).append("\r\n");
        byte[] wire = s.toString().getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 3; i++) wire[r.nextInt(wire.length)] = (byte) r.nextInt(256);
        feedRandomly(wire, seed);
    }

    private static void feedRandomly(byte[] data, long seed) {
        Random r = new Random(seed);
        RespParser p = new RespParser();
        ByteBuf in = Unpooled.buffer();
        int i = 0;
        try {
            while (i < data.length) {
                int n = Math.min(data.length - i, 1 + r.nextInt(64));
                in.writeBytes(data, i, n);
                i += n;
                for (List<byte[]> c; (c = p.next(in)) != null; ) assertThat(c).isNotEmpty();
            }
        } catch (RespProtocolException expected) {
            // the connection would be closed: fine
        }
    }
}
