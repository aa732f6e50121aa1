package io.replikv.sim;

import io.replikv.core.util.Invariants;

/**
 * The unreliable-server fault of the original primary/backup labs (specs/mit-6824-tests.md
 * §1.1, §4.5), applied to every message arriving at a node flagged unreliable: with
 * {@code requestDropProbability} it is dropped before delivery; otherwise, with
 * {@code replyDropProbability}, it is delivered but every message the node sends back to that
 * sender while handling it (including ones released after a sync) is dropped: "executed, reply lost".
 */
public record UnreliableSettings(double requestDropProbability, double replyDropProbability) {
    /** The lab values: 10% of requests lost, 20% of the rest executed with the reply lost (18% overall). */
    public static final UnreliableSettings LAB = new UnreliableSettings(0.10, 0.20);

    public UnreliableSettings {
        Invariants.check(requestDropProbability >= 0 && requestDropProbability <= 1,
                "request drop probability %s outside [0, 1]", requestDropProbability);
        Invariants.check(replyDropProbability >= 0 && replyDropProbability <= 1,
                "reply drop probability %s outside [0, 1]", replyDropProbability);
    }
}
