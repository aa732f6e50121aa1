package io.replikv.core.kv;

import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.MalformedInputException;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The one state machine under every replication scheme: a sorted map of byte strings plus the
 * client-session table. {@link #apply} is a pure function of the sequence of requests applied:
 * no clock, no randomness. Replicas that applied the same requests in the same order have equal
 * {@link #digest()}s.
 */
public final class KvStateMachine {
    private static final int SNAPSHOT_FORMAT = 1;

    private final TreeMap<Bytes, Bytes> data = new TreeMap<>();
    private SessionTable sessions;
    private long appliedCount;

    public KvStateMachine() {
        this(KvLimits.SESSIONS_MAX);
    }

    public KvStateMachine(int sessionCapacity) {
        this.sessions = new SessionTable(sessionCapacity);
    }

    /** Checks a command against the size limits; null when it is acceptable, else why not. */
    public static String validate(Command command) {
        if (command.key().length() > KvLimits.KEY_BYTES_MAX) {
            return "key is " + command.key().length() + " bytes; the limit is " + KvLimits.KEY_BYTES_MAX;
        }
        Bytes value = switch (command) {
            case Command.Put p -> p.value();
            case Command.Append a -> a.value();
            case Command.PutHash h -> h.value();
            case Command.Get g -> Bytes.EMPTY;
            case Command.Delete d -> Bytes.EMPTY;
        };
        if (value.length() > KvLimits.VALUE_BYTES_MAX) {
            return "value is " + value.length() + " bytes; the limit is " + KvLimits.VALUE_BYTES_MAX;
        }
        return null;
    }

    /**
     * Applies a request: reads directly; tagged writes through the session table (a duplicate
     * gets its recorded reply and is not applied again); untagged writes always.
     */
    public Result apply(Request request) {
        Command command = request.command();
        if (command.readOnly()) return read(command);
        if (!request.tagged()) return execute(command);
        return switch (sessions.check(request.clientId(), request.seq())) {
            case SessionTable.Check.Duplicate d -> d.reply();
            case SessionTable.Check.Stale s -> new Result.Refused(
                    STALE_REQUEST + request.seq() + ": this session already applied " + s.lastSeq());
            case SessionTable.Check.Expired e -> new Result.Refused(SESSION_EXPIRED);
            case SessionTable.Check.Fresh f -> {
                Result r = execute(command);
                sessions.record(request.clientId(), request.seq(), r);
                yield r;
            }
        };
    }

    /** How the reason of the {@link Result.Refused} for a request older than its session's latest begins. */
    public static final String STALE_REQUEST = "stale request ";

    /** The reason of the {@link Result.Refused} for a request of an unknown (evicted) session. */
    public static final String SESSION_EXPIRED = "session expired";

    /** What a Get returns now, without applying anything. */
    public Result read(Command command) {
        Invariants.check(command.readOnly(), "read of a write: %s", command);
        Bytes v = data.get(command.key());
        return v == null ? Result.MISSING : new Result.Value(v);
    }

    private Result execute(Command command) {
        String invalid = validate(command);
        if (invalid != null) return new Result.Refused(invalid);
        appliedCount++;
        return switch (command) {
            case Command.Get g -> read(g);
            case Command.Put p -> {
                data.put(p.key(), p.value());
                yield Result.WRITTEN;
            }
            case Command.Append a -> {
                Bytes old = data.getOrDefault(a.key(), Bytes.EMPTY);
                if ((long) old.length() + a.value().length() > KvLimits.VALUE_BYTES_MAX) {
                    yield new Result.Refused("append would make the value " + (old.length() + a.value().length())
                            + " bytes; the limit is " + KvLimits.VALUE_BYTES_MAX);
                }
                Bytes joined = old.concat(a.value());
                data.put(a.key(), joined);
                yield new Result.Length(joined.length());
            }
            case Command.PutHash h -> {
                Bytes old = data.getOrDefault(h.key(), Bytes.EMPTY);
                data.put(h.key(), Bytes.of(Long.toString(Fnv1a.hash32(old, h.value()))));
                yield new Result.Value(old);
            }
            case Command.Delete d -> new Result.Count(data.remove(d.key()) == null ? 0 : 1);
        };
    }

    /** Writes applied since creation (refused writes and reads excluded). Replicated with the data. */
    public long appliedCount() {
        return appliedCount;
    }

    public int size() {
        return data.size();
    }

    public SessionTable sessions() {
        return sessions;
    }

    /** A read-only view of the data, in key order. */
    public NavigableMap<Bytes, Bytes> data() {
        return Collections.unmodifiableNavigableMap(data);
    }

    /** The whole state (data, sessions, applied count) as bytes. */
    public Bytes snapshot() {
        BinaryWriter w = new BinaryWriter(256);
        w.writeByte(SNAPSHOT_FORMAT);
        w.writeVarLong(appliedCount);
        w.writeVarLong(sessions.capacity());
        w.writeVarLong(data.size());
        for (var e : data.entrySet()) {
            w.writeBytes(e.getKey());
            w.writeBytes(e.getValue());
        }
        sessions.writeTo(w);
        return w.toBytes();
    }

    /** Rebuilds a state machine from {@link #snapshot()}; malformed input throws {@link MalformedInputException}. */
    public static KvStateMachine restore(Bytes snapshot) {
        BinaryReader r = BinaryReader.of(snapshot);
        int format = r.readByte();
        if (format != SNAPSHOT_FORMAT) throw new MalformedInputException("unknown snapshot format " + format);
        long applied = r.readVarLong();
        int capacity = r.readLength(Integer.MAX_VALUE);
        if (capacity == 0) throw new MalformedInputException("session capacity 0");
        KvStateMachine sm = new KvStateMachine(capacity);
        sm.appliedCount = applied;
        int n = r.readLength(Integer.MAX_VALUE);
        Bytes previous = null;
        for (int i = 0; i < n; i++) {
            Bytes k = r.readBytes(KvLimits.KEY_BYTES_MAX);
            Bytes v = r.readBytes(KvLimits.VALUE_BYTES_MAX);
            if (previous != null && previous.compareTo(k) >= 0) throw new MalformedInputException("keys out of order");
            sm.data.put(k, v);
            previous = k;
        }
        sm.sessions = SessionTable.readFrom(r, capacity);
        r.expectEnd();
        return sm;
    }

    /** A 64-bit FNV-1a digest of the whole state, for replica-agreement checks. */
    public long digest() {
        long h = 0xcbf29ce484222325L;
        for (byte b : snapshot().unsafeArray()) h = (h ^ (b & 0xff)) * 0x100000001b3L;
        return h;
    }
}
