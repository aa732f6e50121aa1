package io.replikv.core.kv;

import io.replikv.core.util.Bytes;

/** What applying a command returned. Deterministic: a pure function of the state and the command. */
public sealed interface Result {
    /** A Get that found the key, or a PutHash's previous value ("" when the key was absent). */
    record Value(Bytes value) implements Result {}

    /** A Get of an absent key. */
    record Missing() implements Result {}

    /** A Put was applied. */
    record Written() implements Result {}

    /** An Append was applied; the value's new length in bytes. */
    record Length(long length) implements Result {}

    /** A Delete was applied; how many keys it removed (0 or 1). */
    record Count(long count) implements Result {}

    /**
     * The command was refused by the state machine itself, deterministically on every replica, and
     * changed nothing: e.g. an Append whose result would exceed {@link KvLimits#VALUE_BYTES_MAX}.
     */
    record Refused(String reason) implements Result {}

    Missing MISSING = new Missing();
    Written WRITTEN = new Written();
}
