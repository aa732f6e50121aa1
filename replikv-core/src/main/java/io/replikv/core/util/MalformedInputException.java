package io.replikv.core.util;

/** Bytes from outside (a peer, a client, a file) that do not decode. An operating error, not a bug. */
public final class MalformedInputException extends RuntimeException {
    public MalformedInputException(String message) {
        super(message);
    }

    /** Keeps the underlying failure (e.g. a record's compact constructor refusing decoded values) for logs. */
    public MalformedInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
