package io.replikv.core.msg;

/** The answer to the {@link ClientRequest} with the same correlation number. */
public record ClientReply(long correlation, Reply reply) implements ClientMessage {}
