package io.replikv.core.codec;

import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;

/**
 * Writes and reads values of one declared Java type. {@code depth} is the nesting depth of the
 * record or list that holds the value (the message itself is 1); codecs that open a new level
 * (records, lists) check it against {@link Codec#NESTING_DEPTH_MAX}. Only {@link ValueCodecs#nullable}
 * sees nulls; every other codec gets a non-null value.
 */
interface FieldCodec {
    void write(BinaryWriter w, Object value, int depth);

    /** Throws only {@link io.replikv.core.util.MalformedInputException} on bad input. */
    Object read(BinaryReader r, int depth);
}
