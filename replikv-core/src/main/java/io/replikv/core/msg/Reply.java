package io.replikv.core.msg;

import io.replikv.core.NodeId;
import io.replikv.core.kv.Result;

/** How a server answered a request: applied, certainly not applied, or not known. */
public sealed interface Reply {
    /** The request was applied (or was a read); {@code result} is what it returned. */
    record Applied(Result result) implements Reply {}

    /**
     * The request was certainly not applied. {@code leaderHint} names the server that should be
     * asked instead when this one knows (may be null).
     */
    record Rejected(RejectCode code, String detail, NodeId leaderHint) implements Reply {}

    /** The request may or may not have been applied; retry with the same (client id, seq). */
    record Uncertain(String detail) implements Reply {}

    /** Why a request was certainly not applied. */
    enum RejectCode {
        /** Malformed or beyond a limit; retrying will not help. RESP {@code ERR}. */
        BAD_REQUEST,
        /** This server cannot serve it now (not primary, no view, view changing); ask another or retry. RESP {@code TRYAGAIN}. */
        WRONG_SERVER,
        /** Overloaded or a conflicting write holds the key; retry later. RESP {@code TRYAGAIN}. */
        BUSY,
        /** The client's session was evicted; start a new session and retry. RESP {@code TRYAGAIN}. */
        SESSION_EXPIRED
    }
}
