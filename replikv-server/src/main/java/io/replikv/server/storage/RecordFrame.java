package io.replikv.server.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * How records sit in a segment file, one after another:
 * <pre>
 *   u32 payloadLength   u32 CRC32C(the 4 length bytes)   u32 CRC32C(payload)   payload
 * </pre>
 * The length has its own checksum so that a flipped bit in it is recognised as corruption instead
 * of looking like a record that runs past the end of the file (which would read as a torn tail and
 * silently cut every record after it).
 *
 * <p>Scanning tells a torn tail from corruption. A process that dies mid-write leaves a prefix of
 * the record it was writing, so only the last record of the last segment may be incomplete: fewer
 * than 12 header bytes, or a (checked) length that runs past the end of the file, or a payload that
 * fails its checksum and ends exactly at the end of the file (a power loss can leave garbage
 * there), or a header that fails its checksum followed only by zero bytes (a file extended by a
 * power loss before its data reached the disk). Anything else that fails is corruption.
 */
final class RecordFrame {
    private RecordFrame() {}

    static final int HEADER_BYTES = 12;

    static byte[] frame(byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        b.putInt(payload.length);
        b.putInt(crc(b.array(), 0, 4));
        b.putInt(crc(payload, 0, payload.length));
        b.put(payload);
        return b.array();
    }

    static int crc(byte[] data, int offset, int length) {
        CRC32C c = new CRC32C();
        c.update(data, offset, length);
        return (int) c.getValue();
    }

    /** One record read back: where its frame starts and ends, and what it says. */
    record Positioned(long offset, long end, WalRecord record) {}

    /** What is wrong at the end of a scan, if anything. */
    sealed interface Problem {
        long offset();

        String reason();

        /** An incomplete last record: cut it off and carry on. */
        record Torn(long offset, String reason) implements Problem {}

        /** Something recovery cannot vouch for: stop. */
        record Corrupt(long offset, String reason) implements Problem {}
    }

    /** The records of a segment that read back, and the problem that stopped the scan (null: none). */
    record Scan(List<Positioned> records, long validBytes, Problem problem) {}

    /** Scans a whole segment; {@code last} says whether it is the last segment (the only one that may be torn). */
    static Scan scan(byte[] data, boolean last) {
        List<Positioned> records = new ArrayList<>();
        int pos = 0;
        while (pos < data.length) {
            Problem p = check(data, pos, last);
            if (p != null) return new Scan(records, pos, p);
            int length = ByteBuffer.wrap(data, pos, 4).getInt();
            byte[] payload = new byte[length];
            System.arraycopy(data, pos + HEADER_BYTES, payload, 0, length);
            WalRecord r;
            try {
                r = WalRecord.decode(payload);
            } catch (WalRecord.MalformedRecordException e) {
                return new Scan(records, pos, new Problem.Corrupt(pos, "record passes its checksum but is malformed: " + e.getMessage()));
            }
            int end = pos + HEADER_BYTES + length;
            records.add(new Positioned(pos, end, r));
            pos = end;
        }
        return new Scan(records, pos, null);
    }

    /** Null when a complete, intact record starts at {@code pos}. */
    private static Problem check(byte[] data, int pos, boolean last) {
        int remaining = data.length - pos;
        if (remaining < HEADER_BYTES) {
            return problem(last, pos, "incomplete record header (" + remaining + " of " + HEADER_BYTES + " bytes)");
        }
        ByteBuffer h = ByteBuffer.wrap(data, pos, HEADER_BYTES);
        int length = h.getInt();
        int lengthCrc = h.getInt();
        int payloadCrc = h.getInt();
        if (crc(data, pos, 4) != lengthCrc) {
            boolean zeros = allZero(data, pos);
            return zeros && last ? new Problem.Torn(pos, "zero bytes where a record header should be")
                    : new Problem.Corrupt(pos, "record header checksum mismatch");
        }
        if (length < 0 || length > StorageLimits.RECORD_BYTES_MAX) {
            return new Problem.Corrupt(pos, "record length " + Integer.toUnsignedString(length) + " exceeds "
                    + StorageLimits.RECORD_BYTES_MAX);
        }
        if (length > remaining - HEADER_BYTES) {
            return problem(last, pos, "record of " + length + " bytes runs past the end of the file ("
                    + (remaining - HEADER_BYTES) + " bytes left)");
        }
        if (crc(data, pos + HEADER_BYTES, length) != payloadCrc) {
            boolean endsFile = pos + HEADER_BYTES + length == data.length;
            return endsFile && last ? new Problem.Torn(pos, "last record fails its checksum")
                    : new Problem.Corrupt(pos, "record checksum mismatch");
        }
        return null;
    }

    private static Problem problem(boolean torn, int pos, String reason) {
        return torn ? new Problem.Torn(pos, reason) : new Problem.Corrupt(pos, reason + " in a segment that is not the last (so not a torn write)");
    }

    private static boolean allZero(byte[] data, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] != 0) return false;
        }
        return true;
    }
}
