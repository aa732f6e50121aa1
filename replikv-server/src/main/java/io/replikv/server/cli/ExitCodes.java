package io.replikv.server.cli;

/** Exit statuses of the replikv CLI (docs/operations.md). */
public final class ExitCodes {
    private ExitCodes() {}

    public static final int OK = 0;
    /** Could not start or run (port in use, child failed, not ready in time). */
    public static final int FAILURE = 1;
    /** Bad usage, or a mode this build does not have yet. */
    public static final int USAGE = 2;
    /** A core broke an invariant: the node stopped rather than serve from a state it cannot trust. */
    public static final int NODE_FAILED = 70;
}
