package io.replikv.server.runtime;

/**
 * The cores' default timings are counted in ticks of {@link RuntimeLimits#TICK_MS_DEFAULT} ms (a
 * 100 ms ping interval is 10 ticks). With another {@code --tick-ms}, the same wall-clock timing
 * needs another tick count: this converts, never below one tick.
 */
public final class Ticks {
    private Ticks() {}

    public static long scale(long defaultTicks, int tickMs) {
        return Math.max(1, Math.round((double) defaultTicks * RuntimeLimits.TICK_MS_DEFAULT / tickMs));
    }
}
