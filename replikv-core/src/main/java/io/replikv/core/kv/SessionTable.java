package io.replikv.core.kv;

import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Invariants;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The at-most-once table: per client, the sequence number of its latest applied request and the
 * reply it got. Part of the replicated state (forwarded, transferred and snapshotted with the
 * data). Fixed capacity; the least recently used session is evicted, in apply order, so every
 * replica evicts the same one. Never expires by wall-clock time.
 */
public final class SessionTable {
    /** The latest applied request of a client and its reply. */
    public record Session(long lastSeq, Result reply) {}

    /** What the table says about an incoming tagged write. */
    public sealed interface Check {
        /** Not seen yet: apply it, then {@link #record}. */
        record Fresh() implements Check {}

        /** A retransmission of the latest request: answer with the recorded reply, do not apply. */
        record Duplicate(Result reply) implements Check {}

        /** Older than the latest request: the client moved on; refuse it without applying. */
        record Stale(long lastSeq) implements Check {}

        /** Unknown client with seq > 1: its session was evicted (or its first write never applied). */
        record Expired() implements Check {}
    }

    private final int capacity;
    // insertion order, and record() re-inserts: the eldest entry is the session least recently written
    private final LinkedHashMap<Long, Session> sessions = new LinkedHashMap<>();

    public SessionTable() {
        this(KvLimits.SESSIONS_MAX);
    }

    public SessionTable(int capacity) {
        Invariants.check(capacity > 0, "session capacity must be positive: %d", capacity);
        this.capacity = capacity;
    }

    public int size() {
        return sessions.size();
    }

    public int capacity() {
        return capacity;
    }

    /** Classifies a tagged request without changing the table. */
    public Check check(long clientId, long seq) {
        Invariants.check(clientId != Request.UNTAGGED && seq > 0, "check of untagged request");
        Session s = sessions.get(clientId);
        if (s == null) {
            return seq == 1 ? new Check.Fresh() : new Check.Expired();
        }
        if (seq == s.lastSeq()) return new Check.Duplicate(s.reply());
        if (seq < s.lastSeq()) return new Check.Stale(s.lastSeq());
        return new Check.Fresh();
    }

    /** Records the reply of a freshly applied request, evicting the least recently used session if full. */
    public void record(long clientId, long seq, Result reply) {
        Session previous = sessions.get(clientId);
        Invariants.check(previous == null || seq > previous.lastSeq(),
                "session %d recorded out of order: %d after %d", clientId, seq,
                previous == null ? 0 : previous.lastSeq());
        sessions.remove(clientId);
        sessions.put(clientId, new Session(seq, reply));
        if (sessions.size() > capacity) {
            Iterator<Map.Entry<Long, Session>> eldest = sessions.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
        Invariants.check(sessions.size() <= capacity, "session table over capacity");
    }

    public Session get(long clientId) {
        return sessions.get(clientId);
    }

    /** Writes the table in eviction order (eldest first), so a restored table evicts identically. */
    void writeTo(BinaryWriter w) {
        w.writeVarLong(sessions.size());
        for (Map.Entry<Long, Session> e : sessions.entrySet()) {
            w.writeLong(e.getKey());
            w.writeVarLong(e.getValue().lastSeq());
            ResultCodec.write(w, e.getValue().reply());
        }
    }

    static SessionTable readFrom(BinaryReader r, int capacity) {
        SessionTable t = new SessionTable(capacity);
        int n = r.readLength(capacity);
        for (int i = 0; i < n; i++) {
            long clientId = r.readLong();
            long seq = r.readVarLong();
            t.sessions.put(clientId, new Session(seq, ResultCodec.read(r)));
        }
        return t;
    }

    /** Content equality including eviction order, for agreement checks and tests. */
    public boolean sameAs(SessionTable other) {
        return capacity == other.capacity
                && java.util.List.copyOf(sessions.entrySet()).equals(java.util.List.copyOf(other.sessions.entrySet()));
    }
}
