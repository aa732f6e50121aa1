package io.replikv.core.client;

import io.replikv.core.kv.Result;

/**
 * How an operation ended for the client: every failure is definite (it did not happen) or
 * indefinite (it may have happened), and the type says which.
 */
public sealed interface Outcome {
    /** It happened; {@code result} is what it returned. */
    record Ok(Result result) implements Outcome {}

    /** It certainly did not happen. {@code code} is a short upper-case word (BAD_REQUEST, TIMEOUT ...). */
    record NotApplied(String code, String message) implements Outcome {}

    /** It may or may not have happened. */
    record Unknown(String message) implements Outcome {}

    default boolean definite() {
        return !(this instanceof Unknown);
    }
}
