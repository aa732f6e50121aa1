package io.replikv.client.cli;

/** The client verbs' exit codes: the same split as the client library's outcomes. */
public final class ExitCodes {
    private ExitCodes() {}

    /** The operation happened (for bench: the run completed; errors are in its report). */
    public static final int OK = 0;
    /** The operation definitely did not happen (or the server could not be reached). */
    public static final int NOT_APPLIED = 1;
    /** Bad command line; picocli's usage code. */
    public static final int USAGE = 2;
    /** The write may or may not have happened. */
    public static final int UNKNOWN = 3;

}
