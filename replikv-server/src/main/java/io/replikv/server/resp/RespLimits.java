package io.replikv.server.resp;

import io.replikv.core.kv.KvLimits;

/**
 * Limits of the RESP front door (documented in docs/limits.md). Input beyond a limit that can
 * still be parsed gets an {@code -ERR} reply; input that cannot be (the stream position is lost)
 * gets {@code -ERR Protocol error ...} and the connection is closed. Neither changes any data.
 */
public final class RespLimits {
    private RespLimits() {}

    /**
     * Longest bulk string in a request, in bytes: the value limit plus slack, so that a value just
     * over the limit still parses and gets a clean {@code -ERR} (no data change, connection kept).
     */
    public static final int BULK_BYTES_MAX = KvLimits.VALUE_BYTES_MAX + 64 * 1024;

    /** Most elements in one request array: DEL/EXISTS of 1,023 keys is plenty; more is abuse. */
    public static final int ARGS_PER_COMMAND_MAX = 1024;

    /**
     * Most bytes of bulk payload in one request: bounds the memory one command can pin
     * (1,024 keys of 4 KiB = 4 MiB, or one maximal value) before it is even dispatched.
     */
    public static final int COMMAND_BYTES_MAX = 8 * 1024 * 1024;

    /** Longest inline command line (telnet-style, no array header), in bytes, as Redis allows. */
    public static final int INLINE_LINE_BYTES_MAX = 64 * 1024;

    /** Longest "*N" / "$N" header line, in bytes: a 10-digit count fits with room to spare. */
    public static final int HEADER_LINE_BYTES_MAX = 32;

    /**
     * Commands read from one connection whose replies are not yet written. Reaching it stops reading
     * that connection (back-pressure) until replies drain; pipelining clients just wait.
     */
    public static final int COMMANDS_IN_FLIGHT_MAX = 1024;

    /** Client connections per server; one more is answered with an error and closed. */
    public static final int CONNECTIONS_MAX = 10_000;

    /** Longest CLIENT SETNAME name, in bytes: names appear in logs and status, keep them short. */
    public static final int CLIENT_NAME_BYTES_MAX = 256;
}
