package io.replikv.server.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Reply;
import io.replikv.core.util.Bytes;
import io.replikv.server.metrics.ServerMetrics;
import io.replikv.server.runtime.AddressBook;
import io.replikv.server.runtime.ClientSink;
import io.replikv.server.runtime.NodeGateway;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Goal: one connection's replies come out in request order even when the node answers out of
 * order; a full pipeline stops reading (back-pressure) and resumes as replies drain; protocol
 * errors and QUIT close only after the replies owed before them.
 */
class RespConnectionTest {
    /** A node stand-in that records requests; the test answers them, in any order. */
    static final class FakeGateway implements NodeGateway {
        final List<ClientRequest> submitted = new ArrayList<>();
        final List<NodeId> unregistered = new ArrayList<>();
        ClientSink sink;
        boolean full;

        @Override public NodeId self() { return NodeId.of("n1"); }

        @Override
        public NodeId registerConnection(ClientSink sink) {
            this.sink = sink;
            return NodeId.of("c1");
        }

        @Override public void unregisterConnection(NodeId connection) { unregistered.add(connection); }

        @Override
        public boolean submit(NodeId connection, ClientRequest request) {
            if (full) return false;
            submitted.add(request);
            return true;
        }

        @Override
        public CompletableFuture<NodeStatus> status() {
            return CompletableFuture.completedFuture(new NodeStatus(NodeId.of("n1"), "single", "primary", 0,
                    NodeId.of("n1"), List.of(NodeId.of("n1")), 0, new TreeMap<>()));
        }

        /** Answers the i-th submitted request with a value (or missing when null). */
        void answerGet(int i, String value) {
            Result r = value == null ? Result.MISSING : new Result.Value(Bytes.of(value));
            sink.deliver(new ClientReply(submitted.get(i).correlation(), new Reply.Applied(r)));
        }
    }

    private FakeGateway gateway;
    private EmbeddedChannel channel;

    @BeforeEach
    void connect() {
        gateway = new FakeGateway();
        ServerMetrics metrics = new ServerMetrics();
        AddressBook book = new AddressBook(NodeId.of("n1"));
        RespServer server = new RespServer(gateway, book, metrics, null, null);
        channel = new EmbeddedChannel(new RespConnection(server, gateway, new Commands(book, () -> 1), metrics));
    }

    private void send(String wire) {
        channel.writeInbound(Unpooled.copiedBuffer(wire, StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
    }

    private String output() {
        channel.runPendingTasks();
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    @Test
    void repliesLeaveInRequestOrderWhateverOrderTheNodeAnswers() {
        send("GET a\r\nGET b\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nc\r\n");
        assertThat(gateway.submitted).hasSize(3);
        gateway.answerGet(2, "C");
        gateway.answerGet(1, "B");
        assertThat(output()).isEmpty();
        gateway.answerGet(0, null);
        assertThat(output()).isEqualTo("$-1\r\n$1\r\nB\r\n+PONG\r\n$1\r\nC\r\n");
    }

    @Test
    void aFullPipelineStopsReadingUntilRepliesDrain() {
        int max = RespLimits.COMMANDS_IN_FLIGHT_MAX;
        send("GET k\r\n".repeat(max + 5));
        assertThat(gateway.submitted).hasSize(max);
        assertThat(channel.config().isAutoRead()).isFalse();
        gateway.answerGet(0, "v");
        channel.runPendingTasks();
        assertThat(gateway.submitted).hasSize(max + 1);
        assertThat(channel.config().isAutoRead()).isFalse();
        for (int i = 1; i < max + 5; i++) {
            gateway.answerGet(i, "v");
            channel.runPendingTasks();
        }
        assertThat(gateway.submitted).hasSize(max + 5);
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(output()).isEqualTo("$1\r\nv\r\n".repeat(max + 5));
    }

    @Test
    void aProtocolErrorIsAnsweredAfterEarlierRepliesThenTheConnectionCloses() {
        send("GET a\r\n*1\r\n$-5\r\nGET b\r\n");
        assertThat(gateway.submitted).hasSize(1);
        assertThat(channel.isActive()).isTrue();
        gateway.answerGet(0, "A");
        assertThat(output()).isEqualTo("$1\r\nA\r\n-ERR Protocol error: invalid bulk length: -5 (limit "
                + RespLimits.BULK_BYTES_MAX + ")\r\n");
        assertThat(channel.isActive()).isFalse();
        assertThat(gateway.unregistered).containsExactly(NodeId.of("c1"));
    }

    @Test
    void quitClosesAfterItsOkAndReadsNothingMore() {
        send("PING\r\nQUIT\r\nPING\r\n");
        assertThat(output()).isEqualTo("+PONG\r\n+OK\r\n");
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aFullNodeInboxAnswersTryAgainBusy() {
        gateway.full = true;
        send("SET k v\r\n");
        assertThat(output()).isEqualTo("-TRYAGAIN BUSY the node's inbox is full\r\n");
    }

    @Test
    void helloThreeSwitchesRepliesToResp3() {
        send("HELLO 3\r\nGET k\r\n");
        gateway.answerGet(0, null);
        String out = output();
        assertThat(out).startsWith("%7\r\n").endsWith("_\r\n");
    }

    @Test
    void multiKeyDelSumsRepliesThatArriveOutOfOrder() {
        send("DEL a b c\r\nPING\r\n");
        assertThat(gateway.submitted).extracting(r -> r.request().command())
                .containsExactly(new Command.Delete(Bytes.of("a")), new Command.Delete(Bytes.of("b")),
                        new Command.Delete(Bytes.of("c")));
        for (int i : new int[] {2, 0, 1}) {
            gateway.sink.deliver(new ClientReply(gateway.submitted.get(i).correlation(),
                    new Reply.Applied(new Result.Count(i == 1 ? 0 : 1))));
        }
        assertThat(output()).isEqualTo(":2\r\n+PONG\r\n");
    }

    @Test
    void infoWaitsForTheNodeStatusInOrder() {
        send("GET a\r\nINFO replication\r\n");
        assertThat(output()).isEmpty();
        gateway.answerGet(0, "x");
        String out = output();
        assertThat(out).startsWith("$1\r\nx\r\n$").contains("role:primary");
    }

    @Test
    void aDuplicateOrUnknownReplyIsIgnored() {
        send("GET a\r\n");
        gateway.answerGet(0, "1");
        gateway.answerGet(0, "2");
        gateway.sink.deliver(new ClientReply(999, new Reply.Applied(Result.MISSING)));
        assertThat(output()).isEqualTo("$1\r\n1\r\n");
    }
}
