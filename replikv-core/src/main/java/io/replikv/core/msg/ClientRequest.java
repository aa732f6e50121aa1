package io.replikv.core.msg;

import io.replikv.core.kv.Request;

/**
 * A request for the KV service. {@code correlation} is chosen by the sender, unique among its
 * outstanding requests, and echoed in the reply; it routes replies, while the request's
 * (client id, sequence number) gives at-most-once.
 */
public record ClientRequest(long correlation, Request request) implements ClientMessage {}
