package io.replikv.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import io.replikv.core.Message;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.InvariantViolation;
import io.replikv.core.util.MalformedInputException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * Goal: each class of malformed input named in docs/wire-format.md (unknown version or tag,
 * truncation, trailing bytes, bad enum ordinal, bad boolean or presence byte, lengths and counts
 * beyond their limits, nesting beyond its limit, values a record refuses, invalid UTF-8) is refused
 * with MalformedInputException and nothing else, without allocating what the input claims. The
 * bodies are written by hand from the documented layout, so they also pin the layout down.
 */
class CodecMalformedInputTest {
    private static final Codec STANDARD = Codec.standard();
    private static final Codec TEST = Codec.of(TestTypes.registry());

    private static final int TAG_CLIENT_REQUEST = 1;
    private static final int TAG_CLIENT_REPLY = 2;
    private static final int TAG_PEER_HELLO = 3;
    private static final int TAG_REQUEST = 10;
    private static final int TAG_PUT = 21;
    private static final int TAG_WRITTEN = 42;
    private static final int TAG_REJECTED = 61;

    private static BinaryWriter body(int tag) {
        return new BinaryWriter().writeByte(Codec.FORMAT_VERSION).writeVarLong(tag);
    }

    /** A ClientRequest up to (not including) its command's body: [presence][tag]. */
    private static BinaryWriter clientRequestWithCommandTag(int commandTag) {
        return body(TAG_CLIENT_REQUEST).writeLong(7)
                .writeByte(1).writeVarLong(TAG_REQUEST).writeLong(5).writeLong(1)
                .writeByte(1).writeVarLong(commandTag);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertMalformed(Codec codec, byte[] body) {
        return assertThatThrownBy(() -> codec.decode(body)).isExactlyInstanceOf(MalformedInputException.class);
    }

    @Test
    void handWrittenBodyFollowingTheDocumentedLayoutDecodes() {
        byte[] put = clientRequestWithCommandTag(TAG_PUT).writeByte(1).writeString("k").writeByte(1).writeString("v").toByteArray();
        assertThat(STANDARD.decode(put))
                .isEqualTo(new ClientRequest(7, new Request(5, 1, new Command.Put(Bytes.of("k"), Bytes.of("v")))));
    }

    @Test
    void emptyBody() {
        assertMalformed(STANDARD, new byte[0]).hasMessageContaining("truncated");
    }

    @Test
    void unknownFormatVersion() {
        for (int version : new int[] {0, 2, 255}) {
            byte[] b = STANDARD.encode(new ClientRequest(1, null));
            b[0] = (byte) version;
            assertMalformed(STANDARD, b).hasMessageContaining("unknown format version " + version);
        }
    }

    @Test
    void unknownTag() {
        for (long tag : new long[] {0, 4, 99, 9_999, Codec.TAG_MAX}) { // tags no protocol uses
            assertMalformed(STANDARD, body((int) tag).writeLong(1).toByteArray()).hasMessageContaining("unknown tag " + tag);
        }
        byte[] beyondMax = new BinaryWriter().writeByte(1).writeVarLong(Codec.TAG_MAX + 1L).toByteArray();
        assertMalformed(STANDARD, beyondMax).hasMessageContaining("exceeds");
        byte[] huge = new BinaryWriter().writeByte(1).writeVarLong(Long.MAX_VALUE).toByteArray();
        assertMalformed(STANDARD, huge);
    }

    @Test
    void topLevelRecordThatIsNotAMessage() {
        byte[] b = body(TAG_PUT).writeByte(0).writeByte(0).toByteArray();
        assertMalformed(STANDARD, b).hasMessageContaining("not a message");
    }

    @Test
    void nestedTagOfTheWrongType() {
        byte[] b = body(TAG_CLIENT_REPLY).writeLong(1).writeByte(1).writeVarLong(TAG_WRITTEN).toByteArray();
        assertMalformed(STANDARD, b).hasMessageContaining("not a io.replikv.core.msg.Reply");
    }

    @Test
    void everyTruncationOfAValidBody() {
        byte[] full = STANDARD.encode(new ClientRequest(9, new Request(3, 4, new Command.Append(Bytes.of("key"), Bytes.of("value")))));
        for (int n = 0; n < full.length; n++) {
            assertMalformed(STANDARD, Arrays.copyOf(full, n)).hasMessageContaining("truncated");
        }
    }

    @Test
    void trailingBytes() {
        byte[] valid = STANDARD.encode(new ClientRequest(1, null));
        byte[] longer = Arrays.copyOf(valid, valid.length + 1);
        assertMalformed(STANDARD, longer).hasMessageContaining("1 trailing bytes");
    }

    @Test
    void enumOrdinalOutOfRange() {
        int constants = io.replikv.core.msg.Reply.RejectCode.values().length;
        for (long ordinal : new long[] {constants, 127, 1L << 40}) {
            byte[] b = body(TAG_CLIENT_REPLY).writeLong(1).writeByte(1).writeVarLong(TAG_REJECTED)
                    .writeByte(1).writeVarLong(ordinal).writeByte(0).writeByte(0).toByteArray();
            assertMalformed(STANDARD, b).hasMessageContaining("ordinal " + ordinal + " out of range");
        }
    }

    @Test
    void badBoolean() {
        for (int value : new int[] {2, 0xff}) {
            assertMalformed(TEST, body(TestTypes.TAG_FLAG).writeByte(value).toByteArray()).hasMessageContaining("bad boolean");
        }
    }

    @Test
    void badPresenceByte() {
        byte[] b = body(TAG_CLIENT_REQUEST).writeLong(1).writeByte(2).toByteArray();
        assertMalformed(STANDARD, b).hasMessageContaining("bad presence byte 2");
    }

    @Test
    void stringLongerThanItsLimit() {
        byte[] b = body(TAG_PEER_HELLO).writeByte(1).writeVarLong(Codec.STRING_BYTES_MAX + 1L).toByteArray();
        assertMalformed(STANDARD, b).hasMessageContaining("exceeds " + Codec.STRING_BYTES_MAX);
    }

    @Test
    void bytesLongerThanTheirLimit() {
        byte[] b = clientRequestWithCommandTag(TAG_PUT).writeByte(1).writeVarLong(Codec.BYTES_FIELD_BYTES_MAX + 1L).toByteArray();
        assertMalformed(STANDARD, b).hasMessageContaining("exceeds " + Codec.BYTES_FIELD_BYTES_MAX);
    }

    @Test
    void listLongerThanItsLimit() {
        byte[] b = body(TestTypes.TAG_NUMBERS).writeByte(1).writeVarLong(Codec.LIST_ELEMENTS_MAX + 1L).toByteArray();
        assertMalformed(TEST, b).hasMessageContaining("exceeds " + Codec.LIST_ELEMENTS_MAX);
    }

    @Test
    void listCountBeyondTheRemainingBytes() {
        byte[] b = body(TestTypes.TAG_NUMBERS).writeByte(1).writeVarLong(3).writeByte(0).writeByte(0).toByteArray();
        assertMalformed(TEST, b).hasMessageContaining("list claims 3 elements");
    }

    private static byte[] chainBody(int links) {
        BinaryWriter w = body(TestTypes.TAG_CHAIN);
        for (int i = 1; i < links; i++) w.writeByte(1).writeVarLong(TestTypes.TAG_CHAIN);
        return w.writeByte(0).toByteArray();
    }

    @Test
    void nestingAtTheLimitDecodesAndOneDeeperIsMalformed() {
        assertThat(TEST.decode(chainBody(Codec.NESTING_DEPTH_MAX))).isEqualTo(TestTypes.chainOfDepth(Codec.NESTING_DEPTH_MAX));
        assertMalformed(TEST, chainBody(Codec.NESTING_DEPTH_MAX + 1)).hasMessageContaining("nesting deeper than");
    }

    @Test
    void hostileDeepNestingIsMalformedNotAStackOverflow() {
        assertMalformed(TEST, chainBody(200_000)).hasMessageContaining("nesting deeper than");
    }

    @Test
    void listsCountAsNestingLevels() {
        // Deep(1) > Group(2) > list(3) > Group(4) > list(5) ...: groups nested until the limit is crossed.
        BinaryWriter w = body(9012);
        for (int depth = 2; depth <= Codec.NESTING_DEPTH_MAX + 2; depth += 2) w.writeByte(1).writeVarLong(9006).writeByte(1).writeVarLong(1);
        assertMalformed(TEST, w.writeByte(0).toByteArray()).hasMessageContaining("nesting deeper than");
    }

    @Test
    void valuesARecordRefusesAreMalformedWithTheCause() {
        byte[] untaggedWithSeq = body(TAG_CLIENT_REQUEST).writeLong(7)
                .writeByte(1).writeVarLong(TAG_REQUEST).writeLong(0).writeLong(5)
                .writeByte(1).writeVarLong(20).writeByte(0).toByteArray();
        assertMalformed(STANDARD, untaggedWithSeq).hasMessageContaining("Request refused").hasCauseInstanceOf(InvariantViolation.class);
        byte[] negative = body(TestTypes.TAG_POSITIVE).writeLong(-1).toByteArray();
        assertMalformed(TEST, negative).hasMessageContaining("value must be positive");
    }

    @Test
    void invalidNodeIds() {
        Consumer<byte[]> check = name -> {
            byte[] b = body(TAG_CLIENT_REPLY).writeLong(1).writeByte(1).writeVarLong(TAG_REJECTED)
                    .writeByte(0).writeByte(0).writeByte(1).writeVarLong(name.length).writeRaw(name).toByteArray();
            assertMalformed(STANDARD, b);
        };
        check.accept(new byte[0]);
        check.accept("n".repeat(io.replikv.core.NodeId.NAME_LENGTH_MAX + 1).getBytes());
        check.accept(new byte[ValueCodecs.NODE_NAME_BYTES_MAX + 1]);
    }

    @Test
    void invalidUtf8() {
        byte[][] bad = {{(byte) 0xff}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xe2, (byte) 0x82}};
        for (byte[] raw : bad) {
            byte[] b = body(TAG_PEER_HELLO).writeByte(1).writeVarLong(raw.length).writeRaw(raw).writeInt(1).toByteArray();
            assertMalformed(STANDARD, b).hasMessageContaining("not valid UTF-8");
        }
    }

    @Test
    void varintLongerThanTenBytes() {
        BinaryWriter w = new BinaryWriter().writeByte(1);
        for (int i = 0; i < 11; i++) w.writeByte(0xff);
        assertMalformed(STANDARD, w.toByteArray());
    }

    @Test
    void sliceDecodingAndBadSlices() {
        byte[] valid = STANDARD.encode(new ClientRequest(3, null));
        byte[] padded = new byte[valid.length + 6];
        System.arraycopy(valid, 0, padded, 3, valid.length);
        assertThat(STANDARD.decode(padded, 3, valid.length)).isEqualTo(new ClientRequest(3, null));
        assertThatThrownBy(() -> STANDARD.decode(padded, 3, valid.length + 1)).isExactlyInstanceOf(MalformedInputException.class);
        assertThatThrownBy(() -> STANDARD.decode(padded, -1, 2)).isExactlyInstanceOf(MalformedInputException.class);
        assertThatThrownBy(() -> STANDARD.decode(padded, 2, padded.length)).isExactlyInstanceOf(MalformedInputException.class);
    }

    /**
     * A few bytes that claim a huge length or count must be refused without allocating it: the
     * check against the remaining input comes first. Measured with the JVM's per-thread allocation
     * counter; the bound (1 MiB) is far below what any of the claims would allocate.
     */
    @Test
    void hugeClaimsInTinyInputsAllocateNothingLikeTheClaim() {
        record Hostile(Codec codec, byte[] body) {}
        Hostile[] hostile = {
            new Hostile(STANDARD, clientRequestWithCommandTag(TAG_PUT).writeByte(1).writeVarLong(1L << 31).toByteArray()),
            new Hostile(STANDARD, clientRequestWithCommandTag(TAG_PUT).writeByte(1).writeVarLong(Codec.BYTES_FIELD_BYTES_MAX).toByteArray()),
            new Hostile(STANDARD, body(TAG_PEER_HELLO).writeByte(1).writeVarLong(Codec.STRING_BYTES_MAX).toByteArray()),
            new Hostile(TEST, body(TestTypes.TAG_NUMBERS).writeByte(1).writeVarLong(Codec.LIST_ELEMENTS_MAX).writeByte(0).toByteArray()),
        };
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (Hostile h : hostile) {
            assertMalformed(h.codec(), h.body()); // warm up: class loading allocates too
            long before = threads.getCurrentThreadAllocatedBytes();
            assertThatThrownBy(() -> h.codec().decode(h.body())).isExactlyInstanceOf(MalformedInputException.class);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(allocated).as("bytes allocated decoding %d hostile bytes", h.body().length).isLessThan(1 << 20);
        }
    }

    @Test
    void encodingRefusesWhatTheReceiverWouldRefuse() {
        record Unregistered() implements Message {}
        assertThatThrownBy(() -> STANDARD.encode(new Unregistered())).isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("not registered");
        assertThatThrownBy(() -> STANDARD.encode(null)).isInstanceOf(InvariantViolation.class);
        assertThatThrownBy(() -> TEST.encode(TestTypes.chainOfDepth(Codec.NESTING_DEPTH_MAX + 1)))
                .isInstanceOf(InvariantViolation.class).hasMessageContaining("deeper");
        assertThatThrownBy(() -> STANDARD.encode(new io.replikv.core.msg.PeerHello("x".repeat(Codec.STRING_BYTES_MAX + 1), 1)))
                .isInstanceOf(InvariantViolation.class).hasMessageContaining("exceeds");
        java.util.List<Long> tooMany = java.util.Collections.nCopies(Codec.LIST_ELEMENTS_MAX + 1, 0L);
        assertThatThrownBy(() -> TEST.encode(new TestTypes.Numbers(tooMany)))
                .isInstanceOf(InvariantViolation.class).hasMessageContaining("exceeds");
    }
}
