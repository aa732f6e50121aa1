package io.replikv.server.runtime;

/** The requested mode is unknown or not built yet; the message is meant for the user. */
public final class ModeUnavailableException extends Exception {
    public ModeUnavailableException(String message) {
        super(message);
    }
}
