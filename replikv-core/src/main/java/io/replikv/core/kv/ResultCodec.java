package io.replikv.core.kv;

import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.MalformedInputException;

/** Binary form of {@link Result} and {@link Command} inside snapshots (the wire codec has its own registry). */
final class ResultCodec {
    private ResultCodec() {}

    static void write(BinaryWriter w, Result r) {
        switch (r) {
            case Result.Value v -> w.writeByte(1).writeBytes(v.value());
            case Result.Missing m -> w.writeByte(2);
            case Result.Written x -> w.writeByte(3);
            case Result.Length l -> w.writeByte(4).writeVarLong(l.length());
            case Result.Count c -> w.writeByte(5).writeVarLong(c.count());
            case Result.Refused f -> w.writeByte(6).writeString(f.reason());
        }
    }

    static Result read(BinaryReader r) {
        int tag = r.readByte();
        return switch (tag) {
            case 1 -> new Result.Value(r.readBytes(KvLimits.VALUE_BYTES_MAX));
            case 2 -> Result.MISSING;
            case 3 -> Result.WRITTEN;
            case 4 -> new Result.Length(r.readVarLong());
            case 5 -> new Result.Count(r.readVarLong());
            case 6 -> new Result.Refused(r.readString(4096));
            default -> throw new MalformedInputException("unknown result tag " + tag);
        };
    }
}
