package io.replikv.core.raft;

import io.replikv.core.kv.Request;
import io.replikv.core.kv.RequestFormat;
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

    private RequestCodec() {}

    public static Bytes encode(Request request) {
        BinaryWriter w = new BinaryWriter(32 + request.command().key().length());
        w.writeByte(FORMAT);
        RequestFormat.write(w, request);
        return w.toBytes();
    }

    public static Request decode(Bytes payload) {
        BinaryReader r = BinaryReader.of(payload);
        int format = r.readByte();
        if (format != FORMAT) throw new MalformedInputException("unknown request format " + format);
        Request request = RequestFormat.read(r);
        r.expectEnd();
        return request;
    }
}
