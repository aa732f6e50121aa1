package io.replikv.client.resp;

import io.replikv.core.util.Bytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** RESP2 encoding: commands as arrays of bulk strings, and any value (used by test servers). */
public final class RespWriter {
    private static final byte[] CRLF = {'\r', '\n'};

    private RespWriter() {}

    /** The wire form of a command: an array of bulk strings. */
    public static byte[] command(List<Bytes> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 + parts.stream().mapToInt(Bytes::length).sum());
        try {
            writeCommand(out, parts);
        } catch (IOException e) {
            throw new IllegalStateException("a byte array stream cannot fail", e);
        }
        return out.toByteArray();
    }

    public static void writeCommand(OutputStream out, List<Bytes> parts) throws IOException {
        header(out, '*', parts.size());
        for (Bytes part : parts) {
            header(out, '$', part.length());
            out.write(part.unsafeArray());
            out.write(CRLF);
        }
    }

    /** Writes any value; an ErrorReply's message must not contain CR or LF. */
    public static void write(OutputStream out, RespValue value) throws IOException {
        switch (value) {
            case RespValue.SimpleString s -> line(out, '+', s.text());
            case RespValue.ErrorReply e -> line(out, '-', e.message());
            case RespValue.IntegerReply i -> header(out, ':', i.value());
            case RespValue.Bulk b -> {
                header(out, '$', b.value().length());
                out.write(b.value().unsafeArray());
                out.write(CRLF);
            }
            case RespValue.Array a -> {
                header(out, '*', a.items().size());
                for (RespValue item : a.items()) write(out, item);
            }
            case RespValue.Nil n -> header(out, '$', -1);
        }
    }

    public static byte[] toBytes(RespValue value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out, value);
        } catch (IOException e) {
            throw new IllegalStateException("a byte array stream cannot fail", e);
        }
        return out.toByteArray();
    }

    private static void header(OutputStream out, char type, long number) throws IOException {
        line(out, type, Long.toString(number));
    }

    private static void line(OutputStream out, char type, String text) throws IOException {
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("RESP line must not contain CR or LF: " + text);
        }
        out.write(type);
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.write(CRLF);
    }
}
