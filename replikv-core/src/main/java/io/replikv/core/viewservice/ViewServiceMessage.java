package io.replikv.core.viewservice;

import io.replikv.core.Message;

/**
 * The view service protocol. Servers ping every ping interval with the newest view number they
 * know and learn the view from the reply; clients ask for the view without volunteering.
 */
public sealed interface ViewServiceMessage extends Message {
    /**
     * A server is alive and knows view {@code viewNumber} (0 after a start with empty state). The
     * primary of the current view acknowledges it by pinging with its number.
     */
    record Ping(long viewNumber) implements ViewServiceMessage {}

    /** The answer to a {@link Ping}: the number it carried, and the newest view (acknowledged or not). */
    record PingReply(long pingedNumber, View view) implements ViewServiceMessage {}

    /**
     * A client (or an operator) asks for the current view; it does not count as a ping.
     * {@code knownViewNumber} is the newest view the asker knows, for traces only.
     */
    record GetView(long knownViewNumber) implements ViewServiceMessage {}

    /** The answer to a {@link GetView}: the newest view (acknowledged or not). */
    record ViewReply(View view) implements ViewServiceMessage {}
}
