package io.replikv.server.resp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inline command line into arguments the way Redis does: words separated by blanks,
 * "double quotes" with escapes (\n \r \t \b \a \\ \" \xHH) and 'single quotes' (only \' escaped).
 * The line arrives as ISO-8859-1 text, so every char is exactly one byte of the input.
 */
final class InlineSplitter {
    private InlineSplitter() {}

    static List<byte[]> split(String line) throws RespProtocolException {
        List<byte[]> args = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && isBlank(line.charAt(i))) i++;
            if (i >= n) return args;
            ByteArrayOutputStream word = new ByteArrayOutputStream();
            char first = line.charAt(i);
            if (first == '"') {
                i = readDoubleQuoted(line, i + 1, word);
            } else if (first == '\'') {
                i = readSingleQuoted(line, i + 1, word);
            } else {
                while (i < n && !isBlank(line.charAt(i))) word.write(line.charAt(i++));
            }
            args.add(word.toByteArray());
        }
    }

    /** Returns the index after the closing quote, which must be followed by a blank or the end. */
    private static int readDoubleQuoted(String line, int i, ByteArrayOutputStream word) throws RespProtocolException {
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == '"') return afterClosingQuote(line, i);
            if (c == '\\' && i + 3 < n && line.charAt(i + 1) == 'x' && isHex(line.charAt(i + 2)) && isHex(line.charAt(i + 3))) {
                word.write(Integer.parseInt(line.substring(i + 2, i + 4), 16));
                i += 4;
            } else if (c == '\\' && i + 1 < n) {
                char e = line.charAt(i + 1);
                word.write(switch (e) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    case 'b' -> '\b';
                    case 'a' -> 7;
                    default -> e;
                });
                i += 2;
            } else {
                word.write(c);
                i++;
            }
        }
        throw new RespProtocolException("unbalanced quotes in request");
    }

    private static int readSingleQuoted(String line, int i, ByteArrayOutputStream word) throws RespProtocolException {
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == '\'') return afterClosingQuote(line, i);
            if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '\'') {
                word.write('\'');
                i += 2;
            } else {
                word.write(c);
                i++;
            }
        }
        throw new RespProtocolException("unbalanced quotes in request");
    }

    private static int afterClosingQuote(String line, int quote) throws RespProtocolException {
        int next = quote + 1;
        if (next < line.length() && !isBlank(line.charAt(next))) {
            throw new RespProtocolException("unbalanced quotes in request");
        }
        return next;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0x0b;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
