package io.replikv.core.twophase;

/** A committed transaction and its final commit timestamp (where it falls in the apply order). */
public record CommitDecision(TxnId txn, long timestamp) {}
