package io.replikv.core.viewservice;

import io.replikv.core.util.Invariants;

/**
 * Timing and shape of the view service.
 *
 * @param pingIntervalTicks how often servers ping; a server is dead after {@code deadPings} of
 *                          these without a ping
 * @param deadPings         missed ping intervals after which a server is dead
 * @param backupsMax        how many backups a view has at most (1 is the original design)
 */
public record ViewServiceConfig(long pingIntervalTicks, int deadPings, int backupsMax) {
    /** 10 ticks of 10 ms: the original 100 ms ping interval. */
    public static final long PING_INTERVAL_TICKS_DEFAULT = 10;
    /** The original DeadPings: 5 missed pings (500 ms) and a server is dead. */
    public static final int DEAD_PINGS_DEFAULT = 5;
    /** The original design has one backup. */
    public static final int BACKUPS_MAX_DEFAULT = 1;
    /** More backups than this would make every write wait on a crowd; 2PC groups use their own views. */
    public static final int BACKUPS_LIMIT = 8;

    public static final ViewServiceConfig DEFAULT =
            new ViewServiceConfig(PING_INTERVAL_TICKS_DEFAULT, DEAD_PINGS_DEFAULT, BACKUPS_MAX_DEFAULT);

    public ViewServiceConfig {
        Invariants.check(pingIntervalTicks > 0 && deadPings > 0, "bad view service timing %d x %d",
                pingIntervalTicks, deadPings);
        Invariants.check(backupsMax >= 1 && backupsMax <= BACKUPS_LIMIT, "backupsMax must be 1..%d: %d",
                BACKUPS_LIMIT, backupsMax);
    }

    public ViewServiceConfig withBackupsMax(int backups) {
        return new ViewServiceConfig(pingIntervalTicks, deadPings, backups);
    }

    /** Silence longer than this, in ticks, and a server is dead. */
    public long deadTicks() {
        return pingIntervalTicks * deadPings;
    }
}
