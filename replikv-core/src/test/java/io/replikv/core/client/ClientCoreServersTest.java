package io.replikv.core.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Effects;
import io.replikv.core.NodeId;
import io.replikv.core.kv.Command;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Reply;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Goal: the two small additions the network client needs from ClientCore hold: a new membership
 * takes effect for the operation in flight (keeping the current target when it stays a member),
 * and a read answered Uncertain is still a definite failure (a read has no effect to be unsure of).
 */
class ClientCoreServersTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final ClientConfig CONFIG = new ClientConfig(10, 2, 0);

    private static ClientRequest onlyRequest(Effects effects, NodeId to) {
        assertThat(effects.send()).hasSize(1);
        assertThat(effects.send().getFirst().to()).isEqualTo(to);
        return (ClientRequest) effects.send().getFirst().message();
    }

    private static Effects tickUntilSomething(ClientCore core) {
        for (int i = 0; i < 100; i++) {
            core.onTick();
            Effects effects = core.drain();
            if (!effects.isEmpty()) return effects;
        }
        throw new AssertionError("nothing happened within 100 ticks");
    }

    @Test
    void aNewMembershipIsUsedByTheOperationInFlight() {
        ClientCore core = new ClientCore(NodeId.of("c"), List.of(A), new Prng(1), CONFIG);
        core.invoke(1, new Command.Put(Bytes.of("k"), Bytes.of("v")));
        ClientRequest first = onlyRequest(core.drain(), A);

        core.updateServers(List.of(B, A)); // a stays the target ...
        assertThat(core.servers()).containsExactly(B, A);
        core.onMessage(A, new ClientReply(first.correlation(),
                new Reply.Rejected(Reply.RejectCode.WRONG_SERVER, "not the leader", null)));
        ClientRequest retry = onlyRequest(tickUntilSomething(core), B); // ... and the next one is b
        assertThat(retry.request()).isEqualTo(first.request());
    }

    @Test
    void aTargetThatLeftIsReplacedByTheFirstServer() {
        ClientCore core = new ClientCore(NodeId.of("c"), List.of(A), new Prng(1), CONFIG);
        core.updateServers(List.of(B));
        core.invoke(1, new Command.Get(Bytes.of("k")));
        onlyRequest(core.drain(), B);
    }

    @Test
    void anUncertainReadThatEndsInARefusalIsDefinite() {
        ClientCore core = new ClientCore(NodeId.of("c"), List.of(A), new Prng(1), CONFIG);
        core.invoke(7, new Command.Get(Bytes.of("k")));
        ClientRequest request = onlyRequest(core.drain(), A);
        core.onMessage(A, new ClientReply(request.correlation(), new Reply.Uncertain("lost track")));
        onlyRequest(tickUntilSomething(core), A);
        core.onMessage(A, new ClientReply(request.correlation(), new Reply.Rejected(Reply.RejectCode.BAD_REQUEST, "bad", null)));
        assertThat(core.drain().completions()).singleElement()
                .satisfies(c -> assertThat(c.outcome()).isEqualTo(new Outcome.NotApplied("BAD_REQUEST", "bad")));
    }
}
