package io.replikv.client;

/**
 * The operation may or may not have taken effect (for example, a write was sent and no answer
 * came back in time). Only writes end like this. Find out by reading the key, or make the write
 * idempotent at the application level before retrying it; a blind retry of an append or puthash
 * may apply it twice (a new operation is a new request, not a retransmission).
 */
public final class UnknownOutcomeException extends KvException {
    public UnknownOutcomeException(String message) {
        super(message);
    }

    @Override
    public boolean definite() {
        return false;
    }
}
