package io.replikv.sim.check;

import io.replikv.core.util.Bytes;
import java.util.List;

/** The linearizability verdict for one key's subhistory. */
public sealed interface KeyResult {
    Bytes key();

    /** Operations on this key in the history, the ones the checker dropped included. */
    int operations();

    /** States the search stored in its cache for this key (what the budget counts). */
    long statesExplored();

    /**
     * The key's subhistory is linearizable. {@code linearization} is one witness: the ids of the
     * operations in the order they took effect. Dropped operations and indefinite writes that
     * never needed to take effect are not in it.
     */
    record Linearizable(Bytes key, int operations, long statesExplored, List<Long> linearization) implements KeyResult {
        public Linearizable {
            linearization = List.copyOf(linearization);
        }
    }

    /**
     * No order of the key's operations explains what the clients saw.
     *
     * @param longestPrefix ids of the longest sequence of operations the search could explain
     *                      (the most definite operations placed), in order
     * @param report        for people: the prefix with the value after each operation, the
     *                      operations that could go next and why each fails, and the key's history
     *                      around them (long parts are cut; {@code history} has it all)
     * @param history       every operation on the key, one per line by call time, dropped ones marked
     */
    record Violation(Bytes key, int operations, long statesExplored, List<Long> longestPrefix, String report,
            List<String> history) implements KeyResult {
        public Violation {
            longestPrefix = List.copyOf(longestPrefix);
            history = List.copyOf(history);
        }
    }

    /** The search ran out of budget before it could decide; {@code reason} says which budget. */
    record Unknown(Bytes key, int operations, long statesExplored, String reason) implements KeyResult {}
}
