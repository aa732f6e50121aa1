package io.replikv.core.util;

/** Bytes from outside (a peer, a client, a file) that do not decode. An operating error, not a bug. */
public final class MalformedInputException extends RuntimeException {
    public MalformedInputException(String message) {
        super(message);
    }
}
