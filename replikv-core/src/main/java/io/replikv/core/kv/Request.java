package io.replikv.core.kv;

import io.replikv.core.util.Invariants;

/**
 * A command tagged for at-most-once: client id and sequence number. A client has at most one
 * request outstanding per session, numbers its requests 1, 2, 3, ... and retries a request with
 * the same number. {@code clientId == 0} marks an untagged request (plain RESP without a session):
 * it is applied every time it arrives.
 */
public record Request(long clientId, long seq, Command command) {
    public static final long UNTAGGED = 0;

    public Request {
        Invariants.check(command != null, "request without a command");
        Invariants.check(clientId == UNTAGGED ? seq == 0 : seq > 0,
                "tagged requests number from 1, untagged carry 0: client %d seq %d", clientId, seq);
    }

    public static Request untagged(Command command) {
        return new Request(UNTAGGED, 0, command);
    }

    public boolean tagged() {
        return clientId != UNTAGGED;
    }
}
