package io.replikv.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.Message;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.MalformedInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Goal: no input makes decode or the FrameDecoder throw anything but MalformedInputException, or
 * run out of memory or stack: random bytes (with a valid version and tag in front, so the fuzz gets
 * past the first byte), every truncation and every single-bit flip of valid encodings, and random
 * streams cut into random chunks. Whatever does decode must be a value that re-encodes and decodes
 * to itself. Seeds are fixed; a failure prints its seed and sample.
 */
class CodecFuzzProperties {
    private static final Codec STANDARD = Codec.standard();
    private static final Codec TEST = Codec.of(TestTypes.registry());

    @Provide
    Arbitrary<Message> anyMessage() {
        return Arbitraries.oneOf(WireArbitraries.messages(), WireArbitraries.testMessages());
    }

    /** Decodes with the test codec (a superset of the standard types); only MalformedInputException may escape. */
    private static void decodeOrRefuse(Codec codec, byte[] body) {
        Message decoded;
        try {
            decoded = codec.decode(body);
        } catch (MalformedInputException expected) {
            return;
        }
        assertThat(codec.decode(codec.encode(decoded))).isEqualTo(decoded);
    }

    @Property(tries = 3000, seed = "1001")
    void randomBytesAfterAValidHeaderAreDecodedOrRefused(
            @ForAll("registeredTag") int tag, @ForAll byte[] tail, @ForAll boolean standard) {
        byte[] body = new BinaryWriter().writeByte(Codec.FORMAT_VERSION).writeVarLong(tag).writeRaw(tail).toByteArray();
        decodeOrRefuse(standard ? STANDARD : TEST, body);
    }

    @Provide
    Arbitrary<Integer> registeredTag() {
        return Arbitraries.of(new ArrayList<>(TEST.registry().typesByTag().keySet()));
    }

    @Property(tries = 1000, seed = "1002")
    void randomBytesAreDecodedOrRefused(@ForAll byte[] body) {
        decodeOrRefuse(STANDARD, body);
        decodeOrRefuse(TEST, body);
    }

    /** A proper prefix can never be a whole body: decoding reads the same bytes in the same order and would stop early. */
    @Property(tries = 300, seed = "1003")
    void everyTruncationIsRefused(@ForAll("anyMessage") Message message) {
        byte[] body = TEST.encode(message);
        for (int n = 0; n < body.length; n++) {
            byte[] prefix = Arrays.copyOf(body, n);
            assertThatThrownBy(() -> TEST.decode(prefix)).isExactlyInstanceOf(MalformedInputException.class);
        }
    }

    @Property(tries = 300, seed = "1004")
    void everySingleBitFlipIsDecodedOrRefused(@ForAll("anyMessage") Message message) {
        byte[] body = TEST.encode(message);
        for (int bit = 0; bit < body.length * 8; bit++) {
            byte[] flipped = body.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            decodeOrRefuse(TEST, flipped);
        }
    }

    @Property(tries = 1000, seed = "1005")
    void randomStreamsInRandomChunksAreFramedOrRefused(@ForAll byte[] stream, @ForAll long chunkSeed) {
        feedInRandomChunks(stream, new Random(chunkSeed));
    }

    /** Valid frames with one flipped bit: a flip in a length prefix desynchronises the stream, which must be refused, not crash. */
    @Property(tries = 300, seed = "1006")
    void framesWithAFlippedBitAreFramedOrRefused(
            @ForAll("anyMessage") Message first, @ForAll("anyMessage") Message second,
            @ForAll @IntRange(min = 0, max = 1 << 16) int bitChoice, @ForAll long chunkSeed) {
        byte[] a = TEST.frame(first);
        byte[] b = TEST.frame(second);
        byte[] stream = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, stream, a.length, b.length);
        int bit = bitChoice % (stream.length * 8);
        stream[bit / 8] ^= (byte) (1 << (bit % 8));
        feedInRandomChunks(stream, new Random(chunkSeed));
    }

    private static void feedInRandomChunks(byte[] stream, Random random) {
        FrameDecoder frames = new FrameDecoder();
        int offset = 0;
        while (offset < stream.length) {
            int length = 1 + random.nextInt(stream.length - offset);
            List<byte[]> bodies;
            try {
                bodies = frames.feed(stream, offset, length);
            } catch (MalformedInputException e) {
                assertThat(frames.poisoned()).isTrue();
                assertThatThrownBy(() -> frames.feed(new byte[] {0, 0, 0, 2, 1, 1}, 0, 6))
                        .isExactlyInstanceOf(MalformedInputException.class);
                return;
            }
            for (byte[] body : bodies) decodeOrRefuse(TEST, body);
            offset += length;
        }
        assertThat(frames.bufferedBytes()).isLessThanOrEqualTo(Codec.FRAME_HEADER_BYTES + Codec.FRAME_BYTES_MAX);
    }
}
