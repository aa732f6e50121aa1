package io.replikv.core.pb;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Effects;
import io.replikv.core.Envelope;
import io.replikv.core.NodeId;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Reply;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pb client driven by hand: it asks the view service only when it has no primary or the
 * primary failed or refused; every try of a write carries the same tag; it follows one hint;
 * it waits while there is no primary; with an operation limit a possibly-applied write ends Unknown.
 */
class PbClientCoreTest {
    private static final NodeId VS = NodeId.of("vs"), S1 = NodeId.of("s1"), S2 = NodeId.of("s2");
    private static final Command PUT = new Command.Put(Bytes.of("k"), Bytes.of("v"));

    private static PbClientCore client(long operationTicksMax) {
        return new PbClientCore(NodeId.of("c1"), VS, new Prng(5), new PbClientConfig(20, 5, operationTicksMax));
    }

    private static Envelope only(Effects e) {
        assertThat(e.send()).hasSize(1);
        return e.send().getFirst();
    }

    private static Envelope tickUntilSend(PbClientCore c, int maxTicks) {
        for (int i = 0; i < maxTicks; i++) {
            c.onTick();
            Effects e = c.drain();
            if (!e.send().isEmpty()) return only(e);
        }
        throw new AssertionError("nothing sent in " + maxTicks + " ticks");
    }

    @Test
    void asksTheViewServiceOnceThenUsesTheCachedPrimary() {
        PbClientCore c = client(0);
        c.invoke(1, PUT);
        Envelope ask = only(c.drain());
        assertThat(ask.to()).isEqualTo(VS);
        c.onMessage(VS, new ViewServiceMessage.ViewReply(new View(3, S1, List.of(S2))));
        Envelope req = only(c.drain());
        assertThat(req.to()).isEqualTo(S1);
        c.onMessage(S1, new ClientReply(((ClientRequest) req.message()).correlation(), new Reply.Applied(Result.WRITTEN)));
        assertThat(c.drain().completions().getFirst().outcome()).isEqualTo(new Outcome.Ok(Result.WRITTEN));
        c.invoke(2, new Command.Get(Bytes.of("k")));
        assertThat(only(c.drain()).to()).isEqualTo(S1);
        assertThat(c.viewServiceRequests()).isEqualTo(1);
        assertThat(c.serverRequests()).isEqualTo(2);
    }

    @Test
    void aSilentPrimaryIsDroppedAndTheRetryKeepsTheTag() {
        PbClientCore c = client(0);
        c.invoke(1, PUT);
        c.drain();
        c.onMessage(VS, new ViewServiceMessage.ViewReply(new View(3, S1, List.of(S2))));
        ClientRequest first = (ClientRequest) only(c.drain()).message();
        Envelope ask = tickUntilSend(c, 100); // no answer: wait, then ask the view service
        assertThat(ask.to()).isEqualTo(VS);
        c.onMessage(VS, new ViewServiceMessage.ViewReply(new View(4, S2, List.of())));
        Envelope retry = only(c.drain());
        assertThat(retry.to()).isEqualTo(S2);
        assertThat(((ClientRequest) retry.message()).request()).isEqualTo(first.request());
        assertThat(first.request().tagged()).isTrue();
    }

    @Test
    void followsOneHintThenAsksTheViewService() {
        PbClientCore c = client(0);
        c.invoke(1, PUT);
        c.drain();
        c.onMessage(VS, new ViewServiceMessage.ViewReply(new View(3, S1, List.of(S2))));
        long correlation = ((ClientRequest) only(c.drain()).message()).correlation();
        c.onMessage(S1, new ClientReply(correlation, new Reply.Rejected(Reply.RejectCode.WRONG_SERVER, "no", S2)));
        assertThat(tickUntilSend(c, 100).to()).isEqualTo(S2);
        c.onMessage(S2, new ClientReply(correlation, new Reply.Rejected(Reply.RejectCode.WRONG_SERVER, "no", S1)));
        assertThat(tickUntilSend(c, 100).to()).isEqualTo(VS);
    }

    @Test
    void waitsWhileThereIsNoPrimary() {
        PbClientCore c = client(0);
        c.invoke(1, PUT);
        for (int i = 0; i < 20; i++) {
            Envelope ask = i == 0 ? only(c.drain()) : tickUntilSend(c, 100);
            assertThat(ask.to()).isEqualTo(VS);
            c.onMessage(VS, new ViewServiceMessage.ViewReply(View.INITIAL));
            assertThat(c.drain().isEmpty()).isTrue();
        }
        assertThat(c.busy()).isTrue();
    }

    @Test
    void anOperationLimitEndsAPossiblyAppliedWriteAsUnknown() {
        PbClientCore c = client(60);
        c.invoke(1, PUT);
        c.drain();
        c.onMessage(VS, new ViewServiceMessage.ViewReply(new View(3, S1, List.of())));
        c.drain();
        List<io.replikv.core.Completion> done = List.of();
        for (int i = 0; i < 100 && done.isEmpty(); i++) {
            c.onTick();
            done = c.drain().completions();
        }
        assertThat(done).hasSize(1);
        assertThat(done.getFirst().outcome()).isInstanceOf(Outcome.Unknown.class);
    }
}
