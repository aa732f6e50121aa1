package io.replikv.client;

/**
 * Why a replikv operation did not end with a result. Exactly two kinds, and the type says which:
 * {@link NotAppliedException} (definite: the operation certainly did not take effect) and
 * {@link UnknownOutcomeException} (indefinite: it may or may not have taken effect).
 */
public abstract sealed class KvException extends Exception permits NotAppliedException, UnknownOutcomeException {
    KvException(String message) {
        super(message);
    }

    /** True when the operation certainly did not take effect. */
    public abstract boolean definite();
}
