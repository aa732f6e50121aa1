package io.replikv.core.replicated;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.util.Bytes;

/**
 * What members of a {@link ReplicatedNode} group send each other besides Raft. The inner node's
 * messages travel encoded with the codec ({@code message}), so the wrapper stays generic over the
 * protocol it replicates.
 */
public sealed interface ReplicatedMessage extends Message {
    /**
     * A follower received {@code message} from {@code origin} and passes it to the leader it knows,
     * which logs it as an input. The relay keeps no table: the origin travels with the message.
     */
    record Relay(NodeId origin, Bytes message) implements ReplicatedMessage {}

    /**
     * An output of the inner node for {@code destination}, sent by the leader through the member
     * that last received {@code destination}'s messages: the destination may be connected to that
     * member only. The member passes it on unchanged.
     */
    record RelayBack(NodeId destination, Bytes message) implements ReplicatedMessage {}
}
