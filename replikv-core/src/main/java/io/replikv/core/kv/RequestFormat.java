package io.replikv.core.kv;

import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.MalformedInputException;

/**
 * The durable binary form of a {@link Request} (client id, sequence number, command), shared by
 * every log that stores requests: Raft's log entries and pb's journal. Logs outlive releases, so
 * the command tags are fixed and only ever appended to.
 */
public final class RequestFormat {
    private static final int GET = 1, PUT = 2, APPEND = 3, PUT_HASH = 4, DELETE = 5;

    private RequestFormat() {}

    public static void write(BinaryWriter w, Request request) {
        w.writeLong(request.clientId()).writeVarLong(request.seq());
        switch (request.command()) {
            case Command.Get g -> w.writeByte(GET).writeBytes(g.key());
            case Command.Put p -> w.writeByte(PUT).writeBytes(p.key()).writeBytes(p.value());
            case Command.Append a -> w.writeByte(APPEND).writeBytes(a.key()).writeBytes(a.value());
            case Command.PutHash h -> w.writeByte(PUT_HASH).writeBytes(h.key()).writeBytes(h.value());
            case Command.Delete d -> w.writeByte(DELETE).writeBytes(d.key());
        }
    }

    /** Reads what {@link #write} wrote; anything else is a {@link MalformedInputException}. */
    public static Request read(BinaryReader r) {
        long clientId = r.readLong();
        long seq = r.readVarLong();
        int tag = r.readByte();
        Bytes key = r.readBytes(KvLimits.KEY_BYTES_MAX);
        Command command = switch (tag) {
            case GET -> new Command.Get(key);
            case PUT -> new Command.Put(key, r.readBytes(KvLimits.VALUE_BYTES_MAX));
            case APPEND -> new Command.Append(key, r.readBytes(KvLimits.VALUE_BYTES_MAX));
            case PUT_HASH -> new Command.PutHash(key, r.readBytes(KvLimits.VALUE_BYTES_MAX));
            case DELETE -> new Command.Delete(key);
            default -> throw new MalformedInputException("unknown command tag " + tag);
        };
        if (clientId == Request.UNTAGGED ? seq != 0 : seq <= 0) {
            throw new MalformedInputException("bad session tag " + clientId + "/" + seq);
        }
        return new Request(clientId, seq, command);
    }
}
