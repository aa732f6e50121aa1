package io.replikv.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.Effects;
import io.replikv.core.NodeId;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Reply;
import io.replikv.core.single.SingleServerCore;
import io.replikv.core.util.Bytes;
import org.junit.jupiter.api.Test;

/**
 * Goal: the test-only fault REPLIKV_UNSAFE_TEST_FAULT=lose-puts:P does exactly what docs/check.md
 * says: a Put from a client connection is answered OK and never reaches the core (so a read does not
 * see it); other commands, and Puts from peers, pass through; anything but lose-puts:P with
 * 0 &lt; P &lt;= 1 is refused.
 */
class UnsafeTestFaultTest {
    private static final NodeId CONNECTION = ConnectionIds.of(1);
    private static final Bytes K = Bytes.of("k");

    private static Reply ask(UnsafeTestFault node, NodeId from, long correlation, Command command) {
        node.onMessage(from, new ClientRequest(correlation, Request.untagged(command)));
        Effects effects = node.drain();
        assertThat(effects.send()).hasSize(1);
        ClientReply reply = (ClientReply) effects.send().getFirst().message();
        assertThat(reply.correlation()).isEqualTo(correlation);
        return reply.reply();
    }

    @Test
    void aLostPutIsAcknowledgedAndNeverApplied() {
        SingleServerCore core = new SingleServerCore(NodeId.of("n1"));
        UnsafeTestFault node = new UnsafeTestFault(core, "lose-puts:1", 7);
        assertThat(ask(node, CONNECTION, 1, new Command.Put(K, Bytes.of("v")))).isEqualTo(new Reply.Applied(Result.WRITTEN));
        assertThat(ask(node, CONNECTION, 2, new Command.Get(K))).isEqualTo(new Reply.Applied(Result.MISSING));
        // "ab" alone, not "vab": the acknowledged Put never reached the state machine
        assertThat(ask(node, CONNECTION, 3, new Command.Append(K, Bytes.of("ab")))).isEqualTo(new Reply.Applied(new Result.Length(2)));
        assertThat(node.status().details()).containsEntry("unsafeTestFault", "lose-puts:1");
    }

    @Test
    void onlyTheGivenShareOfPutsIsLost() {
        SingleServerCore core = new SingleServerCore(NodeId.of("n1"));
        UnsafeTestFault node = new UnsafeTestFault(core, "lose-puts:0.25", 7);
        int puts = 2_000;
        for (int i = 0; i < puts; i++) ask(node, CONNECTION, i + 1, new Command.Put(K, Bytes.of("v" + i)));
        long applied = core.stateMachine().appliedCount();
        assertThat(applied).as("Puts applied of %d", puts).isBetween(1_300L, 1_700L);
    }

    @Test
    void putsFromPeersAndOtherCommandsPassThrough() {
        SingleServerCore core = new SingleServerCore(NodeId.of("n1"));
        UnsafeTestFault node = new UnsafeTestFault(core, "lose-puts:1", 7);
        ask(node, NodeId.of("n2"), 1, new Command.Put(K, Bytes.of("v")));
        assertThat(ask(node, CONNECTION, 2, new Command.Get(K))).isEqualTo(new Reply.Applied(new Result.Value(Bytes.of("v"))));
        assertThat(ask(node, CONNECTION, 3, new Command.Delete(K))).isEqualTo(new Reply.Applied(new Result.Count(1)));
    }

    @Test
    void unknownFaultsAreRefused() {
        for (String bad : new String[] {"lose-puts:0", "lose-puts:1.5", "lose-puts:x", "lose-gets:0.5", "on"}) {
            assertThatThrownBy(() -> UnsafeTestFault.parse(bad)).as(bad).hasMessageContaining("REPLIKV_UNSAFE_TEST_FAULT");
        }
        assertThat(UnsafeTestFault.parse("lose-puts:0.5")).isEqualTo(0.5);
    }
}
