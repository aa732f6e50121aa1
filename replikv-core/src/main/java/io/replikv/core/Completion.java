package io.replikv.core;

import io.replikv.core.client.Outcome;

/** A client core finished the operation it was given under {@code operationId}. */
public record Completion(long operationId, Outcome outcome) {}
