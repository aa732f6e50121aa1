package io.replikv.core.util;

/**
 * A timeout counted in ticks (core time). Started, it fires once {@code durationTicks} ticks have
 * passed; the owner checks {@link #fired()} after {@link #tick()} and then resets or stops it.
 * {@link #backoff} stretches the next wait exponentially with jitter, capped, for retries.
 */
public final class Timeout {
    private final String name;
    private final long durationTicks;
    private long currentDurationTicks;
    private long elapsedTicks;
    private boolean ticking;

    public Timeout(String name, long durationTicks) {
        Invariants.check(durationTicks > 0, "timeout %s needs a positive duration: %d", name, durationTicks);
        this.name = name;
        this.durationTicks = durationTicks;
        this.currentDurationTicks = durationTicks;
    }

    public String name() {
        return name;
    }

    public long durationTicks() {
        return currentDurationTicks;
    }

    public boolean ticking() {
        return ticking;
    }

    /** Starts from zero with the base duration. */
    public void start() {
        ticking = true;
        elapsedTicks = 0;
        currentDurationTicks = durationTicks;
    }

    /** Starts from zero with a duration drawn uniformly from [base, 2*base): randomised election timeouts. */
    public void startRandomized(Prng prng) {
        start();
        currentDurationTicks = durationTicks + prng.nextLong(durationTicks);
    }

    /** Starts again from zero, keeping the current (possibly backed-off) duration. */
    public void reset() {
        ticking = true;
        elapsedTicks = 0;
    }

    public void stop() {
        ticking = false;
        elapsedTicks = 0;
        currentDurationTicks = durationTicks;
    }

    public void tick() {
        if (ticking) elapsedTicks++;
    }

    public boolean fired() {
        return ticking && elapsedTicks >= currentDurationTicks;
    }

    /** Doubles the wait (plus up to 50% jitter), never beyond {@code maxTicks}, and restarts. */
    public void backoff(Prng prng, long maxTicks) {
        long doubled = Math.min(maxTicks, currentDurationTicks * 2);
        long jitter = doubled / 2 == 0 ? 0 : prng.nextLong(doubled / 2 + 1);
        currentDurationTicks = Math.max(1, Math.min(maxTicks, doubled + jitter));
        ticking = true;
        elapsedTicks = 0;
    }

    @Override
    public String toString() {
        return name + (ticking ? "[" + elapsedTicks + "/" + currentDurationTicks + "]" : "[stopped]");
    }
}
