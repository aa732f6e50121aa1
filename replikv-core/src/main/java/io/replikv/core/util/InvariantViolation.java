package io.replikv.core.util;

/** A broken invariant: a bug, never an operating condition. It stops the node; in simulation it fails the seed. */
public final class InvariantViolation extends RuntimeException {
    public InvariantViolation(String message) {
        super(message);
    }
}
