package io.replikv.core.raft;

import io.replikv.core.kv.Command;
import io.replikv.core.kv.KvLimits;
import io.replikv.core.kv.Request;
import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.MalformedInputException;

/**
 * The payload of a KV log entry: a {@link Request} (client id, sequence number, command). Log
 * entries outlive releases, so the format has a version byte and fixed command tags.
 */
public final class RequestCodec {
    private static final int FORMAT = 1;
    private static final int GET = 1, PUT = 2, APPEND = 3, PUT_HASH = 4, DELETE = 5;

    private RequestCodec() {}

    public static Bytes encode(Request request) {
        BinaryWriter w = new BinaryWriter(32 + request.command().key().length());
        w.writeByte(FORMAT);
        w.writeLong(request.clientId());
        w.writeVarLong(request.seq());
        switch (request.command()) {
            case Command.Get g -> w.writeByte(GET).writeBytes(g.key());
            case Command.Put p -> w.writeByte(PUT).writeBytes(p.key()).writeBytes(p.value());
            case Command.Append a -> w.writeByte(APPEND).writeBytes(a.key()).writeBytes(a.value());
            case Command.PutHash h -> w.writeByte(PUT_HASH).writeBytes(h.key()).writeBytes(h.value());
            case Command.Delete d -> w.writeByte(DELETE).writeBytes(d.key());
        }
        return w.toBytes();
    }

    public static Request decode(Bytes payload) {
        BinaryReader r = BinaryReader.of(payload);
        int format = r.readByte();
        if (format != FORMAT) throw new MalformedInputException("unknown request format " + format);
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
        r.expectEnd();
        if (clientId == Request.UNTAGGED ? seq != 0 : seq <= 0) {
            throw new MalformedInputException("bad session tag " + clientId + "/" + seq);
        }
        return new Request(clientId, seq, command);
    }
}
