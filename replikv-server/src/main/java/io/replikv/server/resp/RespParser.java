package io.replikv.server.resp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads client requests from a connection's byte stream: RESP arrays of bulk strings, and inline
 * commands (a line of words, as telnet sends). Incremental: {@link #next} returns null until a
 * whole command has arrived and keeps its place across calls, so a command may arrive in any
 * number of pieces. Every length is checked against {@link RespLimits} before anything is
 * allocated for it. One parser per connection; not thread-safe (a connection lives on one thread).
 */
public final class RespParser {
    /** Before the start of a command. */
    private static final int NOT_IN_ARRAY = -1;
    /** Inside an array, before the "$N" header of the next element. */
    private static final int NO_BULK = -1;

    private int argsRemaining = NOT_IN_ARRAY;
    private int bulkLength = NO_BULK;
    private long commandBytes;
    private List<byte[]> args;

    /**
     * The next whole command (its arguments, never empty), or null when more bytes are needed.
     * Consumes what it parsed from {@code in}. After a {@link RespProtocolException} the stream
     * position is lost: the caller must close the connection.
     */
    public List<byte[]> next(ByteBuf in) throws RespProtocolException {
        while (true) {
            if (argsRemaining == NOT_IN_ARRAY) {
                if (!in.isReadable()) return null;
                if (in.getByte(in.readerIndex()) == '*') {
                    if (!readArrayHeader(in)) return null;
                    continue; // an empty array is no command: look at what follows
                }
                String line = readLine(in, RespLimits.INLINE_LINE_BYTES_MAX, false, "inline command");
                if (line == null) return null;
                List<byte[]> inline = InlineSplitter.split(line);
                if (inline.size() > RespLimits.ARGS_PER_COMMAND_MAX) {
                    throw new RespProtocolException("too many arguments in inline command (limit "
                            + RespLimits.ARGS_PER_COMMAND_MAX + ")");
                }
                if (!inline.isEmpty()) return inline;
                continue;
            }
            if (bulkLength == NO_BULK && !readBulkHeader(in)) return null;
            if (in.readableBytes() < (long) bulkLength + 2) return null;
            byte[] data = new byte[bulkLength];
            in.readBytes(data);
            if (in.readByte() != '\r' || in.readByte() != '\n') {
                throw new RespProtocolException("expected CRLF after a bulk string of " + bulkLength + " bytes");
            }
            args.add(data);
            bulkLength = NO_BULK;
            if (--argsRemaining == 0) {
                List<byte[]> command = args;
                args = null;
                argsRemaining = NOT_IN_ARRAY;
                return command;
            }
        }
    }

    /** Reads "*N"; false when the line is not complete yet. */
    private boolean readArrayHeader(ByteBuf in) throws RespProtocolException {
        String line = readLine(in, RespLimits.HEADER_LINE_BYTES_MAX, true, "array header");
        if (line == null) return false;
        long n = parseLength(line, "invalid multibulk length");
        if (n <= 0) {
            // "*0" and "*-1" are empty: Redis ignores them; any other negative count is nonsense.
            if (n < -1) throw new RespProtocolException("invalid multibulk length");
            return true;
        }
        if (n > RespLimits.ARGS_PER_COMMAND_MAX) {
            throw new RespProtocolException("invalid multibulk length: " + n + " elements (limit "
                    + RespLimits.ARGS_PER_COMMAND_MAX + ")");
        }
        argsRemaining = (int) n;
        args = new ArrayList<>(Math.min(argsRemaining, 16));
        commandBytes = 0;
        return true;
    }

    /** Reads "$N"; false when the line is not complete yet. */
    private boolean readBulkHeader(ByteBuf in) throws RespProtocolException {
        if (!in.isReadable()) return false;
        byte type = in.getByte(in.readerIndex());
        if (type != '$') throw new RespProtocolException("expected '$', got '" + printable(type) + "'");
        String line = readLine(in, RespLimits.HEADER_LINE_BYTES_MAX, true, "bulk header");
        if (line == null) return false;
        long n = parseLength(line, "invalid bulk length");
        if (n < 0 || n > RespLimits.BULK_BYTES_MAX) {
            throw new RespProtocolException("invalid bulk length: " + n + " (limit " + RespLimits.BULK_BYTES_MAX + ")");
        }
        commandBytes += n;
        if (commandBytes > RespLimits.COMMAND_BYTES_MAX) {
            throw new RespProtocolException("command larger than " + RespLimits.COMMAND_BYTES_MAX + " bytes");
        }
        bulkLength = (int) n;
        return true;
    }

    /**
     * Reads one line without its terminator, or returns null if it is incomplete. Header lines must
     * end in CRLF; inline lines may end in a bare LF (as Redis accepts).
     */
    private static String readLine(ByteBuf in, int maxBytes, boolean crlfRequired, String what)
            throws RespProtocolException {
        int start = in.readerIndex();
        int searchable = Math.min(in.readableBytes(), maxBytes + 2);
        int lf = in.indexOf(start, start + searchable, (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > maxBytes + 1) {
                throw new RespProtocolException(what + " longer than " + maxBytes + " bytes");
            }
            return null;
        }
        int end = lf;
        if (end > start && in.getByte(end - 1) == '\r') {
            end--;
        } else if (crlfRequired) {
            throw new RespProtocolException(what + " not terminated by CRLF");
        }
        if (end - start > maxBytes) throw new RespProtocolException(what + " longer than " + maxBytes + " bytes");
        String line = in.toString(start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        in.readerIndex(lf + 1);
        return line;
    }

    /** The number after the type byte: an optional '-' and 1..18 decimal digits, nothing else. */
    private static long parseLength(String line, String error) throws RespProtocolException {
        int i = 1;
        boolean negative = line.length() > 1 && line.charAt(1) == '-';
        if (negative) i++;
        int digits = line.length() - i;
        if (digits < 1 || digits > 18) throw new RespProtocolException(error);
        long n = 0;
        for (; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') throw new RespProtocolException(error);
            n = n * 10 + (c - '0');
        }
        return negative ? -n : n;
    }

    private static String printable(byte b) {
        return b >= 0x20 && b < 0x7f ? Character.toString((char) b) : String.format("\\x%02x", b & 0xff);
    }
}
