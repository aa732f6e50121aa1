package io.replikv.core.codec;

import io.replikv.core.Message;
import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.MalformedInputException;

/**
 * Turns messages into bytes and back, driven by a {@link CodecRegistry} (no per-message code).
 * A body is {@code [format version byte][tag varint][fields]}; a frame is
 * {@code [4-byte big-endian body length][body]}. The layout and the compatibility rules are in
 * docs/wire-format.md. Immutable and safe to share between threads.
 *
 * <p>Encoding a value the receiver would refuse (unregistered type, a limit exceeded) is a bug of
 * the sender and throws {@link io.replikv.core.util.InvariantViolation}. Decoding untrusted bytes
 * throws only {@link MalformedInputException}, and never allocates more than the input can hold.
 */
public final class Codec {
    /** The body format this codec writes and the only one it reads. Bumped only for an incompatible change. */
    public static final int FORMAT_VERSION = 1;

    /**
     * Largest frame body, in bytes (the 4-byte length prefix not counted). A receiver buffers a
     * whole frame before decoding it, so this bounds the memory one peer can make us hold per
     * connection. 16 MiB holds a batch of appends or a state-transfer chunk with many
     * {@link io.replikv.core.kv.KvLimits#VALUE_BYTES_MAX 1 MiB} values; bigger state must be chunked.
     */
    public static final int FRAME_BYTES_MAX = 16 * 1024 * 1024;

    /** Size of the frame's length prefix, in bytes: a big-endian int. */
    public static final int FRAME_HEADER_BYTES = 4;

    /**
     * Longest String field, in UTF-8 bytes. Strings carry names, reasons and details for humans;
     * bulk data travels as {@link io.replikv.core.util.Bytes}, so 64 KiB is generous.
     */
    public static final int STRING_BYTES_MAX = 64 * 1024;

    /** Longest Bytes field, in bytes: anything that fits in a frame (a snapshot chunk may fill one). */
    public static final int BYTES_FIELD_BYTES_MAX = FRAME_BYTES_MAX;

    /**
     * Most elements in one List field. Every element costs at least one byte on the wire, so a
     * frame could claim up to 16 Mi; 1 Mi (1,048,576) is far above any batch a protocol sends and
     * keeps a decoded list's element array below 8 MiB.
     */
    public static final int LIST_ELEMENTS_MAX = 1 << 20;

    /**
     * Deepest nesting of records and lists, counting the message itself as 1. Real messages nest
     * about 5 deep (message, entry list, request, command); 32 leaves room and keeps a hostile,
     * deeply nested input from exhausting the decoder's stack.
     */
    public static final int NESTING_DEPTH_MAX = 32;

    /**
     * Largest tag, so a tag is at most a 2-byte varint. Tag 0 is never used (reserved). Ranges
     * per protocol are listed in {@link Codecs}.
     */
    public static final int TAG_MAX = 16_383;

    private final CodecRegistry registry;

    private Codec(CodecRegistry registry) {
        this.registry = registry;
    }

    /** A codec for exactly the types of {@code registry}. */
    public static Codec of(CodecRegistry registry) {
        Invariants.check(registry != null, "codec needs a registry");
        return new Codec(registry);
    }

    /** The codec of every message type replikv knows ({@link Codecs#standardRegistry()}), built once. */
    public static Codec standard() {
        return Standard.CODEC;
    }

    private static final class Standard {
        static final Codec CODEC = new Codec(Codecs.standardRegistry());
    }

    public CodecRegistry registry() {
        return registry;
    }

    /** The body of {@code message}: {@code [FORMAT_VERSION][tag varint][fields]}. Same value, same bytes. */
    public byte[] encode(Message message) {
        BinaryWriter w = new BinaryWriter();
        writeBody(w, message);
        return w.toByteArray();
    }

    /** {@code message} as one frame: {@code [body length int][body]}, ready for the socket. */
    public byte[] frame(Message message) {
        BinaryWriter w = new BinaryWriter();
        w.writeInt(0);
        writeBody(w, message);
        int bodyBytes = w.size() - FRAME_HEADER_BYTES;
        Invariants.check(bodyBytes <= FRAME_BYTES_MAX,
                "%s encodes to %d bytes, more than a frame holds (%d): the protocol must chunk it",
                message.getClass().getName(), bodyBytes, FRAME_BYTES_MAX);
        w.putInt(0, bodyBytes);
        return w.toByteArray();
    }

    private void writeBody(BinaryWriter w, Message message) {
        Invariants.check(message != null, "cannot encode a null message");
        RecordCodec codec = registry.codecFor(message.getClass());
        w.writeByte(FORMAT_VERSION);
        w.writeVarLong(codec.tag());
        codec.writeBody(w, message, 1);
    }

    /** Decodes a whole body; anything malformed throws {@link MalformedInputException}. */
    public Message decode(byte[] body) {
        return decode(body, 0, body.length);
    }

    /** Decodes the body in {@code body[offset, offset + length)}; nothing may follow it. */
    public Message decode(byte[] body, int offset, int length) {
        BinaryReader r = new BinaryReader(body, offset, length);
        int version = r.readByte();
        if (version != FORMAT_VERSION) {
            throw new MalformedInputException("unknown format version " + version + ", this codec reads " + FORMAT_VERSION);
        }
        RecordCodec codec = registry.codecForTag(r.readLength(TAG_MAX));
        if (!Message.class.isAssignableFrom(codec.type())) {
            throw new MalformedInputException("tag " + codec.tag() + " is " + codec.type().getName() + ", not a message");
        }
        Message message = (Message) codec.readBody(r, 1);
        r.expectEnd();
        return message;
    }
}
