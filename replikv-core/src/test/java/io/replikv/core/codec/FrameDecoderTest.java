package io.replikv.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.Message;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.PeerHello;
import io.replikv.core.msg.Reply;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.InvariantViolation;
import io.replikv.core.util.MalformedInputException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Goal: the frame decoder returns exactly the frames of a stream however the stream is cut into
 * chunks (at every position, byte by byte, three ways), refuses and stays refusing after a length
 * outside [1, FRAME_BYTES_MAX], and holds no more memory than the bytes it was given.
 */
class FrameDecoderTest {
    private static final Codec CODEC = Codec.standard();
    private static final List<Message> MESSAGES = List.of(
            new PeerHello("n1", Codec.FORMAT_VERSION),
            new ClientRequest(1, new Request(9, 1, new Command.Put(Bytes.of("key"), Bytes.wrap(new byte[300])))),
            new ClientReply(1, new Reply.Applied(Result.WRITTEN)),
            new ClientReply(2, new Reply.Uncertain(null)));

    private static byte[] stream() {
        BinaryWriter w = new BinaryWriter();
        for (Message m : MESSAGES) w.writeRaw(CODEC.frame(m));
        return w.toByteArray();
    }

    private static List<Message> decodeAll(List<byte[]> bodies) {
        List<Message> out = new ArrayList<>();
        for (byte[] b : bodies) out.add(CODEC.decode(b));
        return out;
    }

    @Test
    void frameLayoutIsLengthThenBody() {
        Message m = new PeerHello("n1", 1);
        byte[] frame = CODEC.frame(m);
        byte[] body = CODEC.encode(m);
        assertThat(frame).hasSize(Codec.FRAME_HEADER_BYTES + body.length);
        assertThat(new io.replikv.core.util.BinaryReader(frame).readInt()).isEqualTo(body.length);
        assertThat(java.util.Arrays.copyOfRange(frame, 4, frame.length)).isEqualTo(body);
    }

    @Test
    void wholeStreamAtOnce() {
        byte[] s = stream();
        assertThat(decodeAll(new FrameDecoder().feed(s, 0, s.length))).isEqualTo(MESSAGES);
    }

    @Test
    void splitInTwoAtEveryPosition() {
        byte[] s = stream();
        for (int cut = 0; cut <= s.length; cut++) {
            FrameDecoder d = new FrameDecoder();
            List<byte[]> bodies = new ArrayList<>(d.feed(s, 0, cut));
            bodies.addAll(d.feed(s, cut, s.length - cut));
            assertThat(decodeAll(bodies)).as("cut at %d", cut).isEqualTo(MESSAGES);
            assertThat(d.bufferedBytes()).isZero();
        }
    }

    @Test
    void splitInThreeAtEveryPairOfPositions() {
        byte[] s = stream();
        for (int i = 0; i <= s.length; i += 3) {
            for (int j = i; j <= s.length; j++) {
                FrameDecoder d = new FrameDecoder();
                List<byte[]> bodies = new ArrayList<>(d.feed(s, 0, i));
                bodies.addAll(d.feed(s, i, j - i));
                bodies.addAll(d.feed(s, j, s.length - j));
                assertThat(decodeAll(bodies)).as("cuts at %d and %d", i, j).isEqualTo(MESSAGES);
            }
        }
    }

    @Test
    void byteByByte() {
        byte[] s = stream();
        FrameDecoder d = new FrameDecoder();
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < s.length; i++) bodies.addAll(d.feed(s, i, 1));
        assertThat(decodeAll(bodies)).isEqualTo(MESSAGES);
    }

    @Test
    void emptyChunkChangesNothing() {
        FrameDecoder d = new FrameDecoder();
        assertThat(d.feed(new byte[0], 0, 0)).isEmpty();
        assertThat(d.bufferedBytes()).isZero();
    }

    private static byte[] header(int length) {
        return new BinaryWriter().writeInt(length).toByteArray();
    }

    @Test
    void lengthsOutsideTheLimitPoisonTheDecoder() {
        for (int length : new int[] {0, -1, Integer.MIN_VALUE, Codec.FRAME_BYTES_MAX + 1, Integer.MAX_VALUE}) {
            FrameDecoder d = new FrameDecoder();
            byte[] valid = CODEC.frame(new PeerHello("n1", 1));
            assertThat(d.feed(valid, 0, valid.length)).hasSize(1);
            byte[] bad = header(length);
            assertThatThrownBy(() -> d.feed(bad, 0, bad.length)).isExactlyInstanceOf(MalformedInputException.class)
                    .hasMessageContaining("frame body length " + length);
            assertThat(d.poisoned()).isTrue();
            assertThatThrownBy(() -> d.feed(valid, 0, valid.length)).isExactlyInstanceOf(MalformedInputException.class)
                    .hasMessageContaining("poisoned");
        }
    }

    @Test
    void badLengthSplitAcrossChunksIsStillRefused() {
        byte[] bad = header(Codec.FRAME_BYTES_MAX + 1);
        FrameDecoder d = new FrameDecoder();
        assertThat(d.feed(bad, 0, 3)).isEmpty();
        assertThatThrownBy(() -> d.feed(bad, 3, 1)).isExactlyInstanceOf(MalformedInputException.class);
    }

    /** The largest allowed frame passes; the buffer it needed is released once it is consumed. */
    @Test
    void largestFramePassesAndItsBufferIsReleased() {
        FrameDecoder d = new FrameDecoder();
        byte[] frame = new byte[Codec.FRAME_HEADER_BYTES + Codec.FRAME_BYTES_MAX];
        System.arraycopy(header(Codec.FRAME_BYTES_MAX), 0, frame, 0, 4);
        assertThat(d.feed(frame, 0, frame.length - 1)).isEmpty();
        assertThat(d.bufferedBytes()).isEqualTo(frame.length - 1);
        List<byte[]> bodies = d.feed(frame, frame.length - 1, 1);
        assertThat(bodies).hasSize(1);
        assertThat(bodies.get(0)).hasSize(Codec.FRAME_BYTES_MAX);
        assertThat(d.bufferedBytes()).isZero();
    }

    /** A header announcing 16 MiB followed by a few bytes makes the decoder hold only those bytes. */
    @Test
    void announcedLengthIsNotAllocatedBeforeTheBytesArrive() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] chunk = new BinaryWriter().writeInt(Codec.FRAME_BYTES_MAX).writeRaw(new byte[10]).toByteArray();
        new FrameDecoder().feed(chunk, 0, chunk.length); // warm up
        long before = threads.getCurrentThreadAllocatedBytes();
        FrameDecoder d = new FrameDecoder();
        assertThat(d.feed(chunk, 0, chunk.length)).isEmpty();
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(64 * 1024);
        assertThat(d.bufferedBytes()).isEqualTo(chunk.length);
    }

    @Test
    void badSliceIsACallerBug() {
        FrameDecoder d = new FrameDecoder();
        assertThatThrownBy(() -> d.feed(new byte[4], 2, 3)).isInstanceOf(InvariantViolation.class);
        assertThatThrownBy(() -> d.feed(new byte[4], -1, 1)).isInstanceOf(InvariantViolation.class);
        assertThat(d.poisoned()).isFalse();
    }
}
