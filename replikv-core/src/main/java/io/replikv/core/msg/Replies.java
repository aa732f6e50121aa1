package io.replikv.core.msg;

import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.kv.Result;

/** Turning state-machine results into replies, the same way in every mode. */
public final class Replies {
    private Replies() {}

    /** The reply for a request whose apply returned {@code result}. */
    public static Reply of(Result result) {
        if (result instanceof Result.Refused r && KvStateMachine.SESSION_EXPIRED.equals(r.reason())) {
            return new Reply.Rejected(Reply.RejectCode.SESSION_EXPIRED, r.reason(), null);
        }
        return new Reply.Applied(result);
    }

    public static Reply badRequest(String detail) {
        return new Reply.Rejected(Reply.RejectCode.BAD_REQUEST, detail, null);
    }

    public static Reply wrongServer(String detail, io.replikv.core.NodeId hint) {
        return new Reply.Rejected(Reply.RejectCode.WRONG_SERVER, detail, hint);
    }
}
