package io.replikv.core.kv;

import io.replikv.core.util.Bytes;

/** A command of the KV state machine. Replication forwards commands (the arguments), never results. */
public sealed interface Command {
    Bytes key();

    /** True for commands that never change state. */
    default boolean readOnly() {
        return this instanceof Get;
    }

    /** Reads the value of {@code key}. */
    record Get(Bytes key) implements Command {}

    /** Sets {@code key} to {@code value}. */
    record Put(Bytes key, Bytes value) implements Command {}

    /** Appends {@code value} to the value of {@code key} ("" when absent); returns the new length. */
    record Append(Bytes key, Bytes value) implements Command {}

    /**
     * Sets {@code key} to the unsigned decimal FNV-1a-32 hash of old value + {@code value} and
     * returns the old value ("" when absent).
     */
    record PutHash(Bytes key, Bytes value) implements Command {}

    /** Removes {@code key}; returns 1 if it existed, else 0. */
    record Delete(Bytes key) implements Command {}
}
