package io.replikv.server.runtime;

/** Limits and defaults of the node runtime (documented in docs/limits.md and docs/operations.md). */
public final class RuntimeLimits {
    private RuntimeLimits() {}

    /**
     * Inputs (client requests and peer messages) waiting for the node thread. Beyond it client
     * requests are answered TRYAGAIN BUSY and peer messages dropped (protocols retry): an
     * overloaded node sheds load instead of growing its queue without bound.
     */
    public static final int NODE_INBOX_TASKS_MAX = 65_536;

    /**
     * Inputs the node thread takes from its inbox before it syncs storage once for all of them
     * (group commit). Large enough that one fsync (milliseconds) is shared by every request that
     * arrived while the previous one ran; small enough that the first input of a batch waits for
     * at most a few hundred microsecond-scale inputs before its sync starts.
     */
    public static final int GROUP_COMMIT_INPUTS_MAX = 256;

    /** Default length of a tick, in milliseconds: the cores' timeouts are tens of ticks. */
    public static final int TICK_MS_DEFAULT = 10;

    /** Shortest and longest tick accepted, in milliseconds. */
    public static final int TICK_MS_MIN = 1;
    public static final int TICK_MS_MAX = 1_000;

    /** How long a status read (HTTP, INFO) waits for the node thread, in milliseconds. */
    public static final long STATUS_TIMEOUT_MS = 2_000;

    /** How long shutdown waits for in-flight replies before closing connections, in milliseconds. */
    public static final long SHUTDOWN_GRACE_MS = 5_000;

    /** How long stopping waits for the node thread to finish its current task, in milliseconds. */
    public static final long STOP_TIMEOUT_MS = 5_000;
}
