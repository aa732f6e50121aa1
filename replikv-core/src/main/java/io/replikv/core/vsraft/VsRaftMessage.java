package io.replikv.core.vsraft;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.viewservice.ViewServiceMessage;

/**
 * What members of a replicated view service send each other besides Raft: a follower passes the
 * pings and view requests it receives to the leader, and passes the leader's answers back. The
 * relay is stateless: the origin travels with the message, so a follower keeps no table.
 */
public sealed interface VsRaftMessage extends Message {
    /** {@code request} (a Ping or GetView) arrived at a follower from {@code origin}. */
    record RelayRequest(NodeId origin, ViewServiceMessage request) implements VsRaftMessage {}

    /** The leader's answer (a PingReply or ViewReply) to a relayed request, for the follower to pass to {@code origin}. */
    record RelayReply(NodeId origin, ViewServiceMessage reply) implements VsRaftMessage {}
}
