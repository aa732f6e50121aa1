package io.replikv.client;

/**
 * The operation certainly did not take effect. {@link #code()} says why, as a short upper-case
 * word: BAD_REQUEST (malformed or beyond a limit; retrying will not help), REFUSED (the state
 * machine refused it, e.g. an append beyond the value limit), TIMEOUT (no server answered in the
 * operation timeout, and no attempt of a write can still apply), BUSY (too many operations queued
 * in this client), NO_SERVER (no seed answered at connect), CLOSED (the client was closed before
 * the operation was sent), INTERRUPTED (the caller's thread was interrupted while a read waited).
 * Safe to retry whenever retrying makes sense for the code.
 */
public final class NotAppliedException extends KvException {
    private final String code;
    private final String detail;

    public NotAppliedException(String code, String detail) {
        super(code + ": " + detail);
        this.code = code;
        this.detail = detail;
    }

    public String code() {
        return code;
    }

    /** The explanation, without the code. */
    public String detail() {
        return detail;
    }

    @Override
    public boolean definite() {
        return true;
    }
}
