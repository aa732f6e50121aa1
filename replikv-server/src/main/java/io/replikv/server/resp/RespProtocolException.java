package io.replikv.server.resp;

/**
 * The request stream cannot be parsed any further (bad type byte, absurd or negative length,
 * unbalanced quotes, a limit that loses the stream position). The connection answers
 * {@code -ERR Protocol error: <message>} and closes; nothing else is harmed.
 */
public final class RespProtocolException extends Exception {
    public RespProtocolException(String message) {
        super(message, null, false, false);
    }
}
