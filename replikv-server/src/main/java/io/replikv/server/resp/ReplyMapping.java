package io.replikv.server.resp;

import io.replikv.core.kv.Result;
import io.replikv.core.msg.Reply;
import java.util.List;

/**
 * Turns the core's replies into RESP replies, exactly as docs/protocol.md says:
 * Applied → the verb's reply (Refused → {@code -ERR REFUSED}), Rejected → {@code -ERR} or
 * {@code -TRYAGAIN <CODE>}, Uncertain → {@code -UNKNOWN}.
 */
public final class ReplyMapping {
    private ReplyMapping() {}

    /** The verbs whose results reach RESP. */
    public enum Verb { GET, SET, APPEND, PUTHASH, DEL }

    public static RespValue map(Verb verb, Reply reply) {
        return switch (reply) {
            case Reply.Applied a -> applied(verb, a.result());
            case Reply.Rejected r -> rejected(r);
            case Reply.Uncertain u -> new RespValue.Error("UNKNOWN " + text(u.detail(), "the outcome is not known"));
        };
    }

    private static RespValue applied(Verb verb, Result result) {
        if (result instanceof Result.Refused refused) {
            return new RespValue.Error("ERR REFUSED " + text(refused.reason(), "refused by the state machine"));
        }
        RespValue value = switch (verb) {
            case GET -> switch (result) {
                case Result.Value v -> new RespValue.Bulk(v.value().unsafeArray());
                case Result.Missing m -> RespValue.NULL;
                default -> null;
            };
            case SET -> result instanceof Result.Written ? RespValue.OK : null;
            case APPEND -> result instanceof Result.Length l ? new RespValue.Int(l.length()) : null;
            case PUTHASH -> result instanceof Result.Value v ? new RespValue.Bulk(v.value().unsafeArray()) : null;
            case DEL -> result instanceof Result.Count c ? new RespValue.Int(c.count()) : null;
        };
        // A result of the wrong kind is a core bug; the client cannot know what happened.
        return value != null ? value
                : new RespValue.Error("UNKNOWN internal error: result " + result + " does not answer " + verb);
    }

    private static RespValue rejected(Reply.Rejected r) {
        String detail = text(r.detail(), "not applied");
        return switch (r.code()) {
            case BAD_REQUEST -> new RespValue.Error("ERR " + detail);
            case WRONG_SERVER -> new RespValue.Error("TRYAGAIN WRONG_SERVER " + detail
                    + (r.leaderHint() != null ? " leader=" + r.leaderHint().name() : ""));
            case BUSY -> new RespValue.Error("TRYAGAIN BUSY " + detail);
            case SESSION_EXPIRED -> new RespValue.Error("TRYAGAIN SESSION_EXPIRED " + detail);
        };
    }

    /**
     * DEL of several keys: one Delete per key, counts summed. When some keys failed, the error is
     * definite only if no key was (or may have been) deleted; otherwise the outcome is unknown.
     */
    public static RespValue combineDelete(List<Reply> replies) {
        long deleted = 0;
        RespValue firstError = null;
        boolean someApplied = false;
        boolean someUncertain = false;
        for (Reply reply : replies) {
            RespValue mapped = map(Verb.DEL, reply);
            if (mapped instanceof RespValue.Int n) {
                deleted += n.value();
                someApplied = true;
            } else {
                if (reply instanceof Reply.Uncertain) someUncertain = true;
                if (firstError == null) firstError = mapped;
            }
        }
        if (firstError == null) return new RespValue.Int(deleted);
        if (replies.size() == 1 || !(someApplied || someUncertain)) return firstError;
        String first = ((RespValue.Error) firstError).text();
        return new RespValue.Error("UNKNOWN DEL of " + replies.size() + " keys was partly applied; first error: " + first);
    }

    /** EXISTS of several keys: how many of them hold a value (a key named twice counts twice). */
    public static RespValue combineExists(List<Reply> replies) {
        long found = 0;
        for (Reply reply : replies) {
            RespValue mapped = map(Verb.GET, reply);
            if (mapped instanceof RespValue.Error) return mapped;
            if (mapped instanceof RespValue.Bulk) found++;
        }
        return new RespValue.Int(found);
    }

    private static String text(String detail, String fallback) {
        return detail == null || detail.isBlank() ? fallback : detail;
    }
}
