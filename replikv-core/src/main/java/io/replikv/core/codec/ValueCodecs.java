package io.replikv.core.codec;

import io.replikv.core.NodeId;
import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.InvariantViolation;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.MalformedInputException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The codecs of each supported field type. The byte layouts are specified in docs/wire-format.md. */
final class ValueCodecs {
    private ValueCodecs() {}

    /** Most UTF-8 bytes a valid NodeId name can take: up to 3 bytes per UTF-16 char. */
    static final int NODE_NAME_BYTES_MAX = NodeId.NAME_LENGTH_MAX * 3;

    static final FieldCodec LONG = new FieldCodec() {
        public void write(BinaryWriter w, Object v, int depth) {
            w.writeLong((Long) v);
        }

        public Object read(BinaryReader r, int depth) {
            return r.readLong();
        }
    };

    static final FieldCodec INT = new FieldCodec() {
        public void write(BinaryWriter w, Object v, int depth) {
            w.writeInt((Integer) v);
        }

        public Object read(BinaryReader r, int depth) {
            return r.readInt();
        }
    };

    static final FieldCodec SHORT = new FieldCodec() {
        public void write(BinaryWriter w, Object v, int depth) {
            short s = (Short) v;
            w.writeByte(s >>> 8).writeByte(s);
        }

        public Object read(BinaryReader r, int depth) {
            int hi = r.readByte();
            return (short) ((hi << 8) | r.readByte());
        }
    };

    static final FieldCodec BYTE = new FieldCodec() {
        public void write(BinaryWriter w, Object v, int depth) {
            w.writeByte((Byte) v);
        }

        public Object read(BinaryReader r, int depth) {
            return (byte) r.readByte();
        }
    };

    static final FieldCodec BOOLEAN = new FieldCodec() {
        public void write(BinaryWriter w, Object v, int depth) {
            w.writeBoolean((Boolean) v);
        }

        public Object read(BinaryReader r, int depth) {
            return r.readBoolean();
        }
    };

    /** The canonical bits (all NaNs alike), so equal records encode to equal bytes. */
    static final FieldCodec DOUBLE = new FieldCodec() {
        public void write(BinaryWriter w, Object v, int depth) {
            w.writeLong(Double.doubleToLongBits((Double) v));
        }

        public Object read(BinaryReader r, int depth) {
            return Double.longBitsToDouble(r.readLong());
        }
    };

    static final FieldCodec STRING = new FieldCodec() {
        public void write(BinaryWriter w, Object v, int depth) {
            writeUtf8(w, (String) v, Codec.STRING_BYTES_MAX);
        }

        public Object read(BinaryReader r, int depth) {
            return readUtf8(r, Codec.STRING_BYTES_MAX);
        }
    };

    static final FieldCodec BYTES = new FieldCodec() {
        public void write(BinaryWriter w, Object v, int depth) {
            Bytes b = (Bytes) v;
            Invariants.check(b.length() <= Codec.BYTES_FIELD_BYTES_MAX,
                    "Bytes field of %d bytes exceeds %d", b.length(), Codec.BYTES_FIELD_BYTES_MAX);
            w.writeBytes(b);
        }

        public Object read(BinaryReader r, int depth) {
            return r.readBytes(Codec.BYTES_FIELD_BYTES_MAX);
        }
    };

    static final FieldCodec NODE_ID = new FieldCodec() {
        public void write(BinaryWriter w, Object v, int depth) {
            writeUtf8(w, ((NodeId) v).name(), NODE_NAME_BYTES_MAX);
        }

        public Object read(BinaryReader r, int depth) {
            String name = readUtf8(r, NODE_NAME_BYTES_MAX);
            try {
                return new NodeId(name);
            } catch (InvariantViolation e) {
                throw new MalformedInputException("bad node id: " + e.getMessage(), e);
            }
        }
    };

    /**
     * Unpaired surrogates cannot be UTF-8; Java's encoder writes '?' for them, so such a string
     * arrives altered but valid. Every other string round-trips exactly.
     */
    private static void writeUtf8(BinaryWriter w, String s, int bytesMax) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        Invariants.check(utf8.length <= bytesMax, "string of %d UTF-8 bytes exceeds %d", utf8.length, bytesMax);
        w.writeVarLong(utf8.length).writeRaw(utf8);
    }

    /** Strict: bytes that are not valid UTF-8 are malformed rather than silently replaced. */
    private static String readUtf8(BinaryReader r, int bytesMax) {
        int n = r.readLength(bytesMax);
        byte[] raw = r.readRaw(n);
        if (isAscii(raw)) return new String(raw, StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedInputException("string is not valid UTF-8", e);
        }
    }

    private static boolean isAscii(byte[] raw) {
        for (byte b : raw) {
            if (b < 0) return false;
        }
        return true;
    }

    /** Presence byte (0 = null, 1 = a value follows) in front of every reference-typed value. */
    static FieldCodec nullable(FieldCodec inner) {
        return new FieldCodec() {
            public void write(BinaryWriter w, Object v, int depth) {
                if (v == null) {
                    w.writeByte(0);
                    return;
                }
                w.writeByte(1);
                inner.write(w, v, depth);
            }

            public Object read(BinaryReader r, int depth) {
                int presence = r.readByte();
                if (presence == 0) return null;
                if (presence != 1) throw new MalformedInputException("bad presence byte " + presence);
                return inner.read(r, depth);
            }
        };
    }

    /** The ordinal as a varint. Constants may only be appended (docs/wire-format.md). */
    static FieldCodec enumOf(Class<?> type) {
        Object[] constants = type.getEnumConstants();
        return new FieldCodec() {
            public void write(BinaryWriter w, Object v, int depth) {
                w.writeVarLong(((Enum<?>) v).ordinal());
            }

            public Object read(BinaryReader r, int depth) {
                long ordinal = r.readVarLong();
                if (ordinal >= constants.length) {
                    throw new MalformedInputException("ordinal " + ordinal + " out of range for " + type.getName()
                            + " (" + constants.length + " constants)");
                }
                return constants[(int) ordinal];
            }
        };
    }

    /** Count varint, then each element through {@code element} (which carries a presence byte). */
    static FieldCodec listOf(FieldCodec element) {
        return new FieldCodec() {
            public void write(BinaryWriter w, Object v, int depth) {
                List<?> list = (List<?>) v;
                int inner = depth + 1;
                Invariants.check(inner <= Codec.NESTING_DEPTH_MAX, "nesting deeper than %d", Codec.NESTING_DEPTH_MAX);
                Invariants.check(list.size() <= Codec.LIST_ELEMENTS_MAX,
                        "list of %d elements exceeds %d", list.size(), Codec.LIST_ELEMENTS_MAX);
                w.writeVarLong(list.size());
                for (Object e : list) element.write(w, e, inner);
            }

            public Object read(BinaryReader r, int depth) {
                int inner = depth + 1;
                if (inner > Codec.NESTING_DEPTH_MAX) {
                    throw new MalformedInputException("nesting deeper than " + Codec.NESTING_DEPTH_MAX);
                }
                int count = r.readLength(Codec.LIST_ELEMENTS_MAX);
                // Every element takes at least its presence byte: a count beyond that is a lie, refused before allocating.
                if (count > r.remaining()) {
                    throw new MalformedInputException("list claims " + count + " elements, only " + r.remaining() + " bytes left");
                }
                List<Object> out = new ArrayList<>(count);
                for (int i = 0; i < count; i++) out.add(element.read(r, inner));
                return Collections.unmodifiableList(out);
            }
        };
    }

    /** Tag varint, then the record's body: the concrete type travels, so interfaces decode. */
    static FieldCodec recordOf(CodecRegistry registry, Class<?> declared) {
        return new FieldCodec() {
            public void write(BinaryWriter w, Object v, int depth) {
                RecordCodec codec = registry.codecFor(v.getClass());
                w.writeVarLong(codec.tag());
                codec.writeBody(w, v, depth + 1);
            }

            public Object read(BinaryReader r, int depth) {
                RecordCodec codec = registry.codecForTag(r.readLength(Codec.TAG_MAX));
                if (!declared.isAssignableFrom(codec.type())) {
                    throw new MalformedInputException("tag " + codec.tag() + " is " + codec.type().getName()
                            + ", not a " + declared.getName());
                }
                return codec.readBody(r, depth + 1);
            }
        };
    }
}
