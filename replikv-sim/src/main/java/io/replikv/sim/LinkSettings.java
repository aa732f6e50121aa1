package io.replikv.sim;

import io.replikv.core.util.Invariants;

/**
 * How one directed link of the simulated network treats a message: it is lost with
 * {@code dropProbability}; otherwise it arrives after a delay drawn uniformly from
 * [{@code delayTicksMin}, {@code delayTicksMax}] (different delays per message reorder them), and
 * with {@code duplicateProbability} a second copy arrives after its own independent delay.
 */
public record LinkSettings(double dropProbability, long delayTicksMin, long delayTicksMax, double duplicateProbability) {
    /** Every message arrives exactly once, one tick after it was sent, in order. */
    public static final LinkSettings RELIABLE = new LinkSettings(0, 1, 1, 0);

    public LinkSettings {
        Invariants.check(dropProbability >= 0 && dropProbability <= 1, "drop probability %s outside [0, 1]", dropProbability);
        Invariants.check(duplicateProbability >= 0 && duplicateProbability <= 1,
                "duplicate probability %s outside [0, 1]", duplicateProbability);
        Invariants.check(delayTicksMin >= 0 && delayTicksMin <= delayTicksMax,
                "delay range [%d, %d] must be non-negative and non-empty", delayTicksMin, delayTicksMax);
    }

    /** Reliable, but each message takes between {@code min} and {@code max} ticks. */
    public static LinkSettings delayed(long min, long max) {
        return new LinkSettings(0, min, max, 0);
    }

    public LinkSettings withDrop(double probability) {
        return new LinkSettings(probability, delayTicksMin, delayTicksMax, duplicateProbability);
    }

    public LinkSettings withDelay(long min, long max) {
        return new LinkSettings(dropProbability, min, max, duplicateProbability);
    }

    public LinkSettings withDuplicate(double probability) {
        return new LinkSettings(dropProbability, delayTicksMin, delayTicksMax, probability);
    }
}
