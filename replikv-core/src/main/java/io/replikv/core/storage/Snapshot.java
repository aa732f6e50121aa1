package io.replikv.core.storage;

import io.replikv.core.util.Bytes;

/**
 * A state-machine snapshot covering every log entry up to and including {@code index}.
 * {@code term} is the Raft term of that entry (0 where a scheme has no terms).
 */
public record Snapshot(long index, long term, Bytes data) {}
