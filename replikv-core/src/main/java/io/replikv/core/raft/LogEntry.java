package io.replikv.core.raft;

import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.MalformedInputException;

/**
 * One entry of the Raft log: the term of the leader that created it and an opaque payload.
 * {@link Kind#NOOP} entries are the empty entries a leader appends so that it can commit (and so
 * serve reads) in its own term; the application skips them.
 */
public record LogEntry(long term, Kind kind, Bytes payload) {
    /** What an entry carries. */
    public enum Kind { COMMAND, NOOP }

    /** Bytes an entry costs on the wire and on disk beyond its payload (term, kind, length prefix): an estimate for limits. */
    static final int OVERHEAD_BYTES = 12;

    public LogEntry {
        Invariants.check(term > 0, "log entries have positive terms: %d", term);
        Invariants.check(kind != null && payload != null, "log entry without kind or payload");
        Invariants.check(kind == Kind.COMMAND || payload.isEmpty(), "no-op entry with a payload");
    }

    public static LogEntry command(long term, Bytes payload) {
        return new LogEntry(term, Kind.COMMAND, payload);
    }

    public static LogEntry noop(long term) {
        return new LogEntry(term, Kind.NOOP, Bytes.EMPTY);
    }

    public boolean noop() {
        return kind == Kind.NOOP;
    }

    /** What the entry costs against byte limits (append batches, snapshot thresholds). */
    public long sizeBytes() {
        return payload.length() + OVERHEAD_BYTES;
    }

    /** The form kept in a {@link io.replikv.core.storage.LogStore}: term, kind, payload. */
    public Bytes encode() {
        BinaryWriter w = new BinaryWriter(payload.length() + OVERHEAD_BYTES);
        w.writeVarLong(term);
        w.writeByte(kind.ordinal());
        w.writeRaw(payload.unsafeArray());
        return w.toBytes();
    }

    public static LogEntry decode(Bytes stored) {
        BinaryReader r = BinaryReader.of(stored);
        long term = r.readVarLong();
        int kind = r.readByte();
        if (term == 0 || kind >= Kind.values().length) {
            throw new MalformedInputException("bad log entry: term " + term + " kind " + kind);
        }
        Bytes payload = Bytes.wrap(r.readRaw(r.remaining()));
        if (kind == Kind.NOOP.ordinal() && !payload.isEmpty()) throw new MalformedInputException("no-op with payload");
        return new LogEntry(term, Kind.values()[kind], payload);
    }
}
