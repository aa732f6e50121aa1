package io.replikv.core.viewservice;

import io.replikv.core.Message;

/**
 * The view service protocol. Servers ping every ping interval with the newest view number they
 * know and learn the view from the reply; clients ask for the view without volunteering.
 */
public sealed interface ViewServiceMessage extends Message {
    /**
     * A server is alive and knows view {@code viewNumber} (0 after a start: it holds no view in
     * memory). The primary of the current view acknowledges it by pinging with its number.
     *
     * <p>{@code recoveredViewNumber} > 0 is a <em>claim</em> (mode pb with storage), sent while the
     * server is not synced (after a restart, for one): its disk holds the state it had as a synced
     * member of that view, at stream index {@code recoveredIndex}. The view service uses claims only
     * when the primary is unfit and the view cannot change the usual way ({@link RecoveryRule});
     * 0 and 0 mean no claim.
     */
    record Ping(long viewNumber, long recoveredViewNumber, long recoveredIndex) implements ViewServiceMessage {
        /** A ping without a claim. */
        public Ping(long viewNumber) {
            this(viewNumber, 0, 0);
        }
    }

    /**
     * The answer to a {@link Ping}: the number it carried, and the newest view (acknowledged or
     * not). {@code fromRecoveredData}: the view service made the pinging server primary of
     * {@code view} on the strength of the claim in its ping, so its recovered state counts as the
     * replicated state of that view (false in every other reply).
     */
    record PingReply(long pingedNumber, View view, boolean fromRecoveredData) implements ViewServiceMessage {
        /** A reply that vouches for nothing. */
        public PingReply(long pingedNumber, View view) {
            this(pingedNumber, view, false);
        }
    }

    /**
     * A client (or an operator) asks for the current view; it does not count as a ping.
     * {@code knownViewNumber} is the newest view the asker knows, for traces only.
     */
    record GetView(long knownViewNumber) implements ViewServiceMessage {}

    /** The answer to a {@link GetView}: the newest view (acknowledged or not). */
    record ViewReply(View view) implements ViewServiceMessage {}
}
