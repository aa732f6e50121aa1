package io.replikv.core.codec;

import io.replikv.core.util.Invariants;
import io.replikv.core.util.MalformedInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a byte stream into frame bodies: {@code [4-byte big-endian body length][body]}. Pure and
 * single-threaded (one per connection): the network shell feeds whatever chunks arrive and
 * decodes the bodies it gets back. A length outside [1, {@link Codec#FRAME_BYTES_MAX}] is
 * malformed and poisons the decoder: the stream has lost its framing and cannot be resynchronised,
 * so every later {@link #feed} throws and the connection must be closed.
 *
 * <p>Memory grows only with bytes actually received: a header announcing 16 MiB allocates
 * nothing until the bytes arrive.
 */
public final class FrameDecoder {
    /** Starting buffer, in bytes: most frames are small. */
    private static final int BUFFER_BYTES_INITIAL = 256;

    /** Above this, in bytes, an emptied buffer is dropped so one large frame does not pin its memory. */
    private static final int BUFFER_BYTES_RETAINED_MAX = 64 * 1024;

    private byte[] buffer = new byte[BUFFER_BYTES_INITIAL];
    private int start;
    private int end;
    private String poisonedBy;

    /**
     * Adds {@code chunk[offset, offset + length)} and returns the bodies of the frames it completed,
     * in order (possibly none). Throws {@link MalformedInputException} on a bad length, and forever
     * after; bodies completed in the same call before the bad length are then dropped.
     */
    public List<byte[]> feed(byte[] chunk, int offset, int length) {
        if (poisonedBy != null) throw new MalformedInputException("frame decoder poisoned by an earlier error: " + poisonedBy);
        Invariants.check(offset >= 0 && length >= 0 && offset <= chunk.length - length,
                "bad slice %d+%d of %d", offset, length, chunk.length);
        append(chunk, offset, length);
        List<byte[]> bodies = new ArrayList<>();
        try {
            for (byte[] body = next(); body != null; body = next()) bodies.add(body);
        } catch (MalformedInputException e) {
            poisonedBy = e.getMessage();
            buffer = new byte[0];
            start = end = 0;
            throw e;
        }
        compact();
        return bodies;
    }

    /** Bytes received but not yet returned as a body: for tests and metrics. */
    public int bufferedBytes() {
        return end - start;
    }

    public boolean poisoned() {
        return poisonedBy != null;
    }

    private void append(byte[] chunk, int offset, int length) {
        if (buffer.length - end < length) {
            long needed = (long) end + length;
            Invariants.check(needed <= Integer.MAX_VALUE - 8, "frame decoder buffer would exceed 2 GiB: %d", needed);
            buffer = Arrays.copyOf(buffer, (int) Math.max(needed, Math.min(2L * buffer.length, Integer.MAX_VALUE - 8)));
        }
        System.arraycopy(chunk, offset, buffer, end, length);
        end += length;
    }

    /** The next complete body, or null when more bytes are needed. */
    private byte[] next() {
        if (end - start < Codec.FRAME_HEADER_BYTES) return null;
        int bodyBytes = ((buffer[start] & 0xff) << 24) | ((buffer[start + 1] & 0xff) << 16)
                | ((buffer[start + 2] & 0xff) << 8) | (buffer[start + 3] & 0xff);
        if (bodyBytes < 1 || bodyBytes > Codec.FRAME_BYTES_MAX) {
            throw new MalformedInputException("frame body length " + bodyBytes + " outside [1, " + Codec.FRAME_BYTES_MAX + "]");
        }
        if (end - start - Codec.FRAME_HEADER_BYTES < bodyBytes) return null;
        int bodyStart = start + Codec.FRAME_HEADER_BYTES;
        start = bodyStart + bodyBytes;
        return Arrays.copyOfRange(buffer, bodyStart, start);
    }

    /** Moves the unfinished frame to the front (it is at most the last chunk's tail, so copying stays linear). */
    private void compact() {
        if (start == end) {
            start = end = 0;
            if (buffer.length > BUFFER_BYTES_RETAINED_MAX) buffer = new byte[BUFFER_BYTES_INITIAL];
        } else if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
    }
}
