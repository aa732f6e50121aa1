package io.replikv.client;

import io.replikv.client.resp.RespValue;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.Reply;

/** The server's half of RESP-EXTENSIONS.md (core Reply to RESP), as the test servers speak it. */
public final class ServerReplies {
    private ServerReplies() {}

    public static RespValue encode(Reply reply) {
        return switch (reply) {
            case Reply.Applied applied -> switch (applied.result()) {
                case Result.Value v -> new RespValue.Bulk(v.value());
                case Result.Missing m -> RespValue.NIL;
                case Result.Written w -> new RespValue.SimpleString("OK");
                case Result.Length l -> new RespValue.IntegerReply(l.length());
                case Result.Count c -> new RespValue.IntegerReply(c.count());
                case Result.Refused r -> new RespValue.ErrorReply("ERR REFUSED " + r.reason());
            };
            case Reply.Rejected rejected -> switch (rejected.code()) {
                case BAD_REQUEST -> new RespValue.ErrorReply("ERR " + rejected.detail());
                case WRONG_SERVER, BUSY, SESSION_EXPIRED -> new RespValue.ErrorReply("TRYAGAIN " + rejected.code() + " "
                        + rejected.detail() + (rejected.leaderHint() == null ? "" : " leader=" + rejected.leaderHint()));
            };
            case Reply.Uncertain uncertain -> new RespValue.ErrorReply("UNKNOWN " + uncertain.detail());
        };
    }
}
