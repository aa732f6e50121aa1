package io.replikv.core.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Completion;
import io.replikv.core.Effects;
import io.replikv.core.Envelope;
import io.replikv.core.NodeId;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Reply;
import io.replikv.core.single.SingleServerCore;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client core driven by hand: retries keep the request's (client id, seq); silence moves to
 * the next server; leader hints are followed; outcomes are definite or indefinite as they must be.
 */
class ClientCoreTest {
    private static final NodeId N1 = NodeId.of("n1"), N2 = NodeId.of("n2");
    private static final Command PUT = new Command.Put(Bytes.of("k"), Bytes.of("v"));

    private static ClientCore client(long operationTicksMax) {
        return new ClientCore(NodeId.of("c1"), List.of(N1, N2), new Prng(3), new ClientConfig(5, 8, operationTicksMax));
    }

    private static ClientRequest onlyRequest(Effects e) {
        assertThat(e.send()).hasSize(1);
        return (ClientRequest) e.send().getFirst().message();
    }

    @Test
    void retransmissionsKeepTheSessionTagAndApplyOnce() {
        ClientCore c = client(0);
        SingleServerCore server = new SingleServerCore(N1);
        c.invoke(1, new Command.Append(Bytes.of("k"), Bytes.of("x")));
        ClientRequest first = onlyRequest(c.drain());
        server.onMessage(c.id(), first); // applied, but the reply is lost
        server.drain();
        ClientRequest retry = null;
        for (int i = 0; i < 50 && retry == null; i++) {
            c.onTick();
            Effects e = c.drain();
            if (!e.send().isEmpty()) retry = (ClientRequest) e.send().getFirst().message();
        }
        assertThat(retry).isNotNull();
        assertThat(retry.request()).isEqualTo(first.request());
        server.onMessage(c.id(), retry);
        Envelope reply = server.drain().send().getFirst();
        c.onMessage(N1, reply.message());
        List<Completion> done = c.drain().completions();
        assertThat(done).containsExactly(new Completion(1, new Outcome.Ok(new Result.Length(1))));
        assertThat(server.stateMachine().data().get(Bytes.of("k"))).isEqualTo(Bytes.of("x"));
    }

    @Test
    void followsTheLeaderHint() {
        ClientCore c = client(0);
        c.invoke(1, PUT);
        Envelope sent = c.drain().send().getFirst();
        NodeId other = sent.to().equals(N1) ? N2 : N1;
        c.onMessage(sent.to(), new ClientReply(onlyRequestCorrelation(sent),
                new Reply.Rejected(Reply.RejectCode.WRONG_SERVER, "not primary", other)));
        Envelope resent = null;
        for (int i = 0; i < 50 && resent == null; i++) {
            c.onTick();
            List<Envelope> s = c.drain().send();
            if (!s.isEmpty()) resent = s.getFirst();
        }
        assertThat(resent).isNotNull();
        assertThat(resent.to()).isEqualTo(other);
    }

    private static long onlyRequestCorrelation(Envelope e) {
        return ((ClientRequest) e.message()).correlation();
    }

    @Test
    void aWriteWhoseAttemptWentUnansweredEndsUnknownAndAReadEndsNotApplied() {
        ClientCore c = client(20);
        c.invoke(1, PUT);
        List<Completion> done = List.of();
        for (int i = 0; i < 30 && done.isEmpty(); i++) {
            c.onTick();
            done = c.drain().completions();
        }
        assertThat(done).hasSize(1);
        assertThat(done.getFirst().outcome()).isInstanceOf(Outcome.Unknown.class);
        c.invoke(2, new Command.Get(Bytes.of("k")));
        done = List.of();
        for (int i = 0; i < 30 && done.isEmpty(); i++) {
            c.onTick();
            done = c.drain().completions();
        }
        assertThat(done.getFirst().outcome()).isInstanceOf(Outcome.NotApplied.class);
    }

    @Test
    void aDefiniteRefusalOfTheOnlyAttemptIsNotApplied() {
        ClientCore c = client(0);
        c.invoke(1, PUT);
        Envelope sent = c.drain().send().getFirst();
        c.onMessage(sent.to(), new ClientReply(onlyRequestCorrelation(sent), new Reply.Rejected(Reply.RejectCode.BAD_REQUEST, "no", null)));
        assertThat(c.drain().completions().getFirst().outcome()).isInstanceOf(Outcome.NotApplied.class);
        c.invoke(2, new Command.Put(Bytes.wrap(new byte[5000]), Bytes.EMPTY));
        assertThat(c.drain().completions().getFirst().outcome())
                .isEqualTo(new Outcome.NotApplied("BAD_REQUEST", "key is 5000 bytes; the limit is 4096"));
    }

    @Test
    void anExpiredSessionStartsANewOne() {
        ClientCore c = client(0);
        long before = c.clientId();
        c.invoke(1, PUT);
        Envelope sent = c.drain().send().getFirst();
        c.onMessage(sent.to(), new ClientReply(onlyRequestCorrelation(sent),
                new Reply.Rejected(Reply.RejectCode.SESSION_EXPIRED, "session expired", null)));
        ClientRequest again = null;
        for (int i = 0; i < 50 && again == null; i++) {
            c.onTick();
            List<Envelope> s = c.drain().send();
            if (!s.isEmpty()) again = (ClientRequest) s.getFirst().message();
        }
        assertThat(again).isNotNull();
        assertThat(again.request().clientId()).isNotEqualTo(before);
        assertThat(again.request().seq()).isEqualTo(1);
    }
}
