package io.replikv.client.resp;

import io.replikv.core.kv.KvLimits;
import io.replikv.core.util.Bytes;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking RESP2 decoder over an input stream, with its own buffer (so hand it the raw socket
 * stream; one reader per stream, one thread at a time). Every
 * size it accepts is bounded by a named limit, so a broken or hostile peer costs a closed
 * connection, never unbounded memory.
 */
public final class RespReader {
    /** Largest bulk string: the value limit plus slack for framing, as the servers allow (RESP-EXTENSIONS.md). */
    public static final int BULK_BYTES_MAX = KvLimits.VALUE_BYTES_MAX + 64 * 1024;

    /**
     * Most elements of one array. Replies are one value or a short topology; commands (the test
     * servers read them with this class) have at most six parts. Same figure the servers use.
     */
    public static final int ARRAY_ELEMENTS_MAX = 1024;

    /** Longest simple string, error or integer line, CRLF excluded; the servers' inline-command limit. */
    public static final int LINE_BYTES_MAX = 64 * 1024;

    /** Deepest nesting of arrays: the topology reply needs 2; anything much deeper is not ours. */
    public static final int NESTING_DEPTH_MAX = 8;

    /** Read buffer: large enough that a pipelined burst of small replies costs one system call. */
    private static final int BUFFER_BYTES = 64 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position;
    private int limit;

    public RespReader(InputStream in) {
        this.in = in;
    }

    /** The next byte, or -1 at the end of the stream. */
    private int next() throws IOException {
        if (position == limit && !fill()) return -1;
        return buffer[position++] & 0xff;
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) return false;
        position = 0;
        limit = n;
        return true;
    }

    /** Exactly {@code length} bytes, or EOFException. */
    private byte[] readExactly(int length) throws IOException {
        byte[] data = new byte[length];
        int copied = Math.min(length, limit - position);
        System.arraycopy(buffer, position, data, 0, copied);
        position += copied;
        while (copied < length) {
            int n = in.read(data, copied, length - copied);
            if (n < 0) throw new EOFException("connection closed inside a bulk string");
            copied += n;
        }
        return data;
    }

    /**
     * Reads one complete value, blocking until it has arrived.
     *
     * @throws EOFException          the stream ended (between values or inside one)
     * @throws RespProtocolException the bytes are not RESP2 or break a limit
     */
    public RespValue read() throws IOException {
        return read(0);
    }

    private RespValue read(int depth) throws IOException {
        int type = next();
        if (type < 0) throw new EOFException("connection closed");
        return switch (type) {
            case '+' -> new RespValue.SimpleString(readLine());
            case '-' -> new RespValue.ErrorReply(readLine());
            case ':' -> new RespValue.IntegerReply(parseLong(readLine()));
            case '$' -> readBulk();
            case '*' -> readArray(depth);
            default -> throw new RespProtocolException("unexpected RESP type byte 0x" + Integer.toHexString(type));
        };
    }

    private RespValue readBulk() throws IOException {
        long length = parseLong(readLine());
        if (length == -1) return RespValue.NIL;
        if (length < 0 || length > BULK_BYTES_MAX) {
            throw new RespProtocolException("bulk length " + length + " outside [-1, " + BULK_BYTES_MAX + "]");
        }
        byte[] data = readExactly((int) length);
        expectCrlf();
        return new RespValue.Bulk(Bytes.wrap(data));
    }

    private RespValue readArray(int depth) throws IOException {
        long count = parseLong(readLine());
        if (count == -1) return RespValue.NIL;
        if (count < 0 || count > ARRAY_ELEMENTS_MAX) {
            throw new RespProtocolException("array length " + count + " outside [-1, " + ARRAY_ELEMENTS_MAX + "]");
        }
        if (depth + 1 > NESTING_DEPTH_MAX) throw new RespProtocolException("arrays nested deeper than " + NESTING_DEPTH_MAX);
        List<RespValue> items = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) items.add(read(depth + 1));
        return new RespValue.Array(items);
    }

    private void expectCrlf() throws IOException {
        int cr = next();
        int lf = next();
        if (cr < 0 || lf < 0) throw new EOFException("connection closed before CRLF");
        if (cr != '\r' || lf != '\n') throw new RespProtocolException("bulk string not followed by CRLF");
    }

    /** A line up to CRLF; a bare LF or CR inside a line is a framing error. */
    private String readLine() throws IOException {
        byte[] line = new byte[64];
        int length = 0;
        while (true) {
            int b = next();
            if (b < 0) throw new EOFException("connection closed inside a line");
            if (b == '\r') {
                int lf = next();
                if (lf < 0) throw new EOFException("connection closed inside a line");
                if (lf != '\n') throw new RespProtocolException("CR not followed by LF");
                return new String(line, 0, length, StandardCharsets.UTF_8);
            }
            if (b == '\n') throw new RespProtocolException("LF without CR");
            if (length == LINE_BYTES_MAX) throw new RespProtocolException("line longer than " + LINE_BYTES_MAX + " bytes");
            if (length == line.length) line = java.util.Arrays.copyOf(line, Math.min(LINE_BYTES_MAX, length * 2));
            line[length++] = (byte) b;
        }
    }

    private static long parseLong(String text) throws RespProtocolException {
        // strict: an optional minus and 1..19 digits, nothing else (Long.parseLong would accept a plus sign)
        int start = text.startsWith("-") ? 1 : 0;
        if (text.length() == start || text.length() - start > 19) throw new RespProtocolException("not an integer: '" + text + "'");
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') throw new RespProtocolException("not an integer: '" + text + "'");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new RespProtocolException("integer out of range: '" + text + "'");
        }
    }
}
