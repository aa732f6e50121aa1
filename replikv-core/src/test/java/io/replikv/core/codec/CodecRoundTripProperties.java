package io.replikv.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Message;
import io.replikv.core.kv.Command;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.kv.Request;
import io.replikv.core.util.Bytes;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Goal: every value the codec accepts comes back equal after encode/decode and after
 * frame/FrameDecoder/decode, for every registered common type and for test types that use every
 * supported field type; and encoding is deterministic (equal values, equal bytes). Seeds are fixed
 * so runs repeat; jqwik prints the seed and the shrunk sample of a failure.
 */
class CodecRoundTripProperties {
    private static final Codec STANDARD = Codec.standard();
    private static final Codec TEST = Codec.of(TestTypes.registry());

    @Provide
    Arbitrary<Message> messages() {
        return WireArbitraries.messages();
    }

    @Provide
    Arbitrary<Message> testMessages() {
        return WireArbitraries.testMessages();
    }

    @Property(tries = 3000, seed = "20261121")
    void standardMessagesRoundTrip(@ForAll("messages") Message message) {
        assertRoundTrips(STANDARD, message);
    }

    @Property(tries = 1500, seed = "424242")
    void everyFieldTypeRoundTrips(@ForAll("testMessages") Message message) {
        assertRoundTrips(TEST, message);
    }

    private static void assertRoundTrips(Codec codec, Message message) {
        byte[] body = codec.encode(message);
        Message decoded = codec.decode(body);
        assertThat(decoded).isEqualTo(message);
        // A distinct but equal instance encodes to the same bytes: nothing identity- or order-dependent leaks in.
        assertThat(codec.encode(decoded)).isEqualTo(body);
        assertThat(codec.encode(message)).isEqualTo(body);

        FrameDecoder frames = new FrameDecoder();
        byte[] frame = codec.frame(message);
        List<byte[]> bodies = frames.feed(frame, 0, frame.length);
        assertThat(bodies).hasSize(1);
        assertThat(bodies.get(0)).isEqualTo(body);
        assertThat(codec.decode(bodies.get(0))).isEqualTo(message);
    }

    /**
     * The generators must reach every registered common type (tags 1–99), nested ones included;
     * a new type registered without a generator fails here.
     */
    @Example
    void generatorsCoverEveryCommonTag() {
        Set<Class<?>> seen = new HashSet<>();
        var generator = WireArbitraries.messages().generator(100);
        Random random = new Random(7);
        for (int i = 0; i < 5000; i++) WireArbitraries.collectRecordClasses(generator.next(random).value(), seen);
        Set<String> missing = new TreeSet<>();
        STANDARD.registry().typesByTag().forEach((tag, type) -> {
            if (tag <= 99 && !seen.contains(type)) missing.add(tag + " " + type.getName());
        });
        assertThat(missing).as("common types the generators never produced").isEmpty();
    }

    @Example
    void testTypesCoverEveryTestTag() {
        Set<Class<?>> seen = new HashSet<>();
        var generator = WireArbitraries.testMessages().generator(100);
        Random random = new Random(11);
        for (int i = 0; i < 5000; i++) WireArbitraries.collectRecordClasses(generator.next(random).value(), seen);
        Set<String> missing = new TreeSet<>();
        TEST.registry().typesByTag().forEach((tag, type) -> {
            boolean generatedElsewhere = type == TestTypes.Flag.class || type == TestTypes.Numbers.class
                    || type == TestTypes.Positive.class;
            if (tag >= 9000 && !generatedElsewhere && !seen.contains(type)) missing.add(tag + " " + type.getName());
        });
        assertThat(missing).isEmpty();
    }

    @Example
    void nanWithAnyPayloadEncodesLikeTheCanonicalNan() {
        Message canonical = new TestTypes.Deep(new TestTypes.Circle(Double.NaN));
        Message payload = new TestTypes.Deep(new TestTypes.Circle(Double.longBitsToDouble(0x7ff8_0000_0000_0001L)));
        assertThat(payload).isEqualTo(canonical);
        assertThat(TEST.encode(payload)).isEqualTo(TEST.encode(canonical));
    }

    @Example
    void smallTestTypesRoundTrip() {
        for (Message m : List.<Message>of(new TestTypes.Flag(true), new TestTypes.Flag(false),
                new TestTypes.Numbers(List.of()), new TestTypes.Numbers(null),
                new TestTypes.Numbers(java.util.Arrays.asList(1L, null, Long.MIN_VALUE)), new TestTypes.Positive(Long.MAX_VALUE))) {
            assertRoundTrips(TEST, m);
        }
    }

    /** A value of 16 MiB (the Bytes field limit) encodes and decodes; the body is then too big for one frame. */
    @Example
    void largestBytesFieldRoundTripsButDoesNotFitAFrame() {
        byte[] big = new byte[Codec.BYTES_FIELD_BYTES_MAX];
        big[big.length - 1] = 7;
        Message m = new ClientRequest(1, Request.untagged(new Command.Put(Bytes.of("k"), Bytes.wrap(big))));
        assertThat(STANDARD.decode(STANDARD.encode(m))).isEqualTo(m);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> STANDARD.frame(m))
                .isInstanceOf(io.replikv.core.util.InvariantViolation.class)
                .hasMessageContaining("must chunk");
    }
}
