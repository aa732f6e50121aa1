package io.replikv.core.pb;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Envelope;
import io.replikv.core.NodeId;
import io.replikv.core.kv.Command;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Servers and clients of pb find a replicated view service among its members: a server pings one
 * member and moves to the next after two silent ping intervals, stays with one that answers, and
 * takes answers from any member; a client asks the next member when an attempt goes unanswered.
 */
class ViewServiceRotationTest {
    private static final List<NodeId> VS = List.of(NodeId.of("vs1"), NodeId.of("vs2"), NodeId.of("vs3"));

    private static List<NodeId> pingTargets(PbServerCore server, int ticks) {
        List<NodeId> targets = new ArrayList<>();
        for (int t = 0; t < ticks; t++) {
            server.onTick();
            for (Envelope e : server.drain().send()) {
                if (e.message() instanceof ViewServiceMessage.Ping) targets.add(e.to());
            }
        }
        return targets;
    }

    @Test
    void aServerMovesOnFromASilentMemberAndStaysWithOneThatAnswers() {
        PbServerCore server = new PbServerCore(NodeId.of("s1"), VS, PbConfig.DEFAULT);
        long interval = PbConfig.DEFAULT.pingIntervalTicks();
        List<NodeId> silent = pingTargets(server, (int) (6 * interval));
        assertThat(silent).startsWith(VS.get(0), VS.get(0), VS.get(1), VS.get(1), VS.get(2), VS.get(2));
        // from now on the member pinged answers every ping: the server stays with it
        List<NodeId> answered = new ArrayList<>();
        for (int t = 0; t < 10 * interval; t++) {
            server.onTick();
            for (Envelope e : server.drain().send()) {
                if (!(e.message() instanceof ViewServiceMessage.Ping ping)) continue;
                answered.add(e.to());
                server.onMessage(e.to(), new ViewServiceMessage.PingReply(ping.viewNumber(), View.INITIAL));
                server.drain();
            }
        }
        assertThat(answered).hasSizeGreaterThan(5).containsOnly(answered.getFirst());
        // an answer from a member it is not pinging counts too (relayed views are committed views)
        server.onMessage(VS.get(0), new ViewServiceMessage.PingReply(0, View.first(NodeId.of("s1"))));
        assertThat(server.status().epoch()).isEqualTo(1);
        server.onMessage(NodeId.of("stranger"), new ViewServiceMessage.PingReply(0, new View(2, NodeId.of("s1"), List.of())));
        assertThat(server.status().epoch()).as("not from the view service").isEqualTo(1);
    }

    @Test
    void aSingleViewServiceIsNeverLeft() {
        PbServerCore server = new PbServerCore(NodeId.of("s1"), NodeId.of("vs"), PbConfig.DEFAULT);
        assertThat(pingTargets(server, 100)).isNotEmpty().containsOnly(NodeId.of("vs"));
    }

    @Test
    void aClientAsksTheNextMemberWhenAnAttemptGoesUnanswered() {
        PbClientCore client = new PbClientCore(NodeId.of("c1"), VS, new Prng(1), PbClientConfig.DEFAULT);
        client.invoke(1, new Command.Get(Bytes.wrap("k".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        List<NodeId> asked = new ArrayList<>();
        for (Envelope e : client.drain().send()) asked.add(e.to());
        for (int t = 0; t < 4 * (PbClientConfig.DEFAULT.attemptTicks() + PbClientConfig.DEFAULT.retryWaitTicks()); t++) {
            client.onTick();
            for (Envelope e : client.drain().send()) {
                if (e.message() instanceof ViewServiceMessage.GetView) asked.add(e.to());
            }
        }
        assertThat(asked).startsWith(VS.get(0), VS.get(1), VS.get(2), VS.get(0));
    }
}
