package io.replikv.core.msg;

import io.replikv.core.Message;

/**
 * The client protocol, the same in every mode: a client (or a server runtime on behalf of a RESP
 * connection, or a server forwarding to the primary or leader) sends a {@link ClientRequest}; the
 * server answers with a {@link ClientReply} carrying the same correlation number.
 */
public sealed interface ClientMessage extends Message permits ClientRequest, ClientReply {}
