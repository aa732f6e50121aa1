package io.replikv.server.resp;

import io.replikv.core.NodeStatus;
import io.replikv.core.kv.Request;
import io.replikv.core.msg.Reply;
import java.util.List;
import java.util.function.Function;

/** What a connection does for one command: answer now, ask the node, or ask the node's status. */
public sealed interface Action {
    /** Answer {@code reply} at once; close the connection after it when {@code close}. */
    record Answer(RespValue reply, boolean close) implements Action {}

    /**
     * Post each request to the node; once every one is answered, {@code combine} turns the
     * replies (in request order) into the RESP reply.
     */
    record Submit(List<Request> requests, Function<List<Reply>, RespValue> combine) implements Action {
        public Submit {
            requests = List.copyOf(requests);
            if (requests.isEmpty()) throw new IllegalArgumentException("a submit needs a request");
        }
    }

    /** Read the node's status (on the node thread), then render the reply from it. */
    record WithStatus(Function<NodeStatus, RespValue> render) implements Action {}

    static Answer answer(RespValue reply) {
        return new Answer(reply, false);
    }
}
