package io.replikv.client.resp;

import java.io.IOException;

/**
 * The peer broke the RESP framing or a limit of {@link RespReader}: the stream cannot be trusted
 * any more, so the connection that produced it is closed. Not an outcome of an operation.
 */
public final class RespProtocolException extends IOException {
    public RespProtocolException(String message) {
        super(message);
    }
}
