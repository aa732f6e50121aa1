package io.replikv.core.twophase;

import io.replikv.core.util.Bytes;

/**
 * A transaction and the key it writes: a replica answers "did you commit it?" from the last
 * commit it recorded for that key (locks make that exact: while the transaction is undecided
 * anywhere, no later write to the key can commit).
 */
public record TxnKey(TxnId txn, Bytes key) {}
