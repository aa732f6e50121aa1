package io.replikv.core.pb;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.kv.Request;
import io.replikv.core.util.Bytes;

/**
 * The primary/backup protocol between servers. Every message from the primary carries the view
 * number it believes current; a backup acts on it only if it holds that view, the sender is that
 * view's primary, and it is a backup of it. Clients speak the common client protocol
 * ({@code msg.ClientRequest}/{@code msg.ClientReply}); a server that is not the primary passes a
 * client's request on as a {@link Relay}.
 */
public sealed interface PbMessage extends Message {
    /**
     * An update for the backup to apply: the request itself (arguments, client id and sequence
     * number), never its result. {@code index} is its position in the primary's stream of updates,
     * so a retransmission is recognised and not applied twice. {@code operation} names the round
     * the acknowledgement belongs to.
     */
    record Forward(long viewNumber, long operation, long index, Request request) implements PbMessage {}

    /**
     * A read confirmation: "am I still your primary, and have you applied {@code index} updates?"
     * The primary answers a Get only after every backup confirmed, so a primary that has been
     * replaced (its backups moved on to a newer view) never returns a stale value.
     */
    record Confirm(long viewNumber, long operation, long index) implements PbMessage {}

    /** A backup applied (or confirmed) the round {@code operation}. */
    record Accepted(long viewNumber, long operation) implements PbMessage {}

    /**
     * A backup refused a forward, a confirmation or a state chunk. It says which view it holds and
     * that view's primary, so a primary that has been replaced learns it at once.
     */
    record Refused(long viewNumber, long operation, Refusal reason, long heldViewNumber, NodeId heldPrimary)
            implements PbMessage {}

    /**
     * One piece of a state transfer: chunk {@code chunkIndex} of {@code chunkCount} of the primary's
     * {@code KvStateMachine.snapshot()} taken after {@code index} updates. {@code operation} names
     * the transfer; a backup assembles the chunks of one transfer in order and installs the whole.
     */
    record StateChunk(long viewNumber, long operation, int chunkIndex, int chunkCount, long index, Bytes data)
            implements PbMessage {}

    /** A backup holds chunk {@code chunkIndex} of transfer {@code operation}. */
    record ChunkAccepted(long viewNumber, long operation, int chunkIndex) implements PbMessage {}

    /**
     * A client's request passed on by a server that is not the primary; the primary answers the
     * relaying server with a {@code msg.ClientReply} carrying {@code correlation}. A relayed request
     * is never relayed again (so two servers with different views cannot bounce it forever).
     */
    record Relay(long correlation, Request request) implements PbMessage {}

    /** Why a backup refused. */
    enum Refusal {
        /** The message carries another view number than the one this server holds. */
        WRONG_VIEW,
        /** The sender is not the primary of the view this server holds (the fixed-primary scenario). */
        NOT_PRIMARY,
        /** This server is not a backup of the view it holds. */
        NOT_BACKUP,
        /** This server does not hold the primary's state (restarted, or missed updates): transfer it. */
        NOT_SYNCED,
        /** A state chunk out of order or of an unknown transfer: start the transfer again. */
        OUT_OF_ORDER
    }
}
