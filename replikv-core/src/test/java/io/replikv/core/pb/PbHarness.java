package io.replikv.core.pb;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Reply;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.viewservice.ViewServiceCore;
import java.util.List;

/** Helpers shared by the pb core tests: a view service, servers and clients on a {@link Pump}. */
final class PbHarness {
    static final NodeId VS = NodeId.of("vs");
    static final NodeId S1 = NodeId.of("s1"), S2 = NodeId.of("s2"), S3 = NodeId.of("s3");
    static final NodeId C1 = NodeId.of("c1");
    static final long SETTLE_TICKS = 200;

    final Pump pump;
    final ViewServiceCore vs;

    PbHarness() {
        this(1, 7);
    }

    PbHarness(int backups) {
        this(backups, 7);
    }

    PbHarness(int backups, long seed) {
        pump = new Pump(seed);
        vs = pump.add(new ViewServiceCore(VS, ViewServiceConfig.DEFAULT.withBackupsMax(backups)));
    }

    PbServerCore server(NodeId id) {
        return server(id, PbConfig.DEFAULT);
    }

    PbServerCore server(NodeId id, PbConfig config) {
        return pump.add(new PbServerCore(id, VS, config));
    }

    PbClientCore client(NodeId id) {
        return pump.add(new PbClientCore(id, VS, new Prng(id.name().hashCode()), PbClientConfig.DEFAULT));
    }

    static Command put(String k, String v) {
        return new Command.Put(Bytes.of(k), Bytes.of(v));
    }

    static Command append(String k, String v) {
        return new Command.Append(Bytes.of(k), Bytes.of(v));
    }

    static Command get(String k) {
        return new Command.Get(Bytes.of(k));
    }

    long nextOperation = 1;

    Outcome call(PbClientCore c, Command command, long maxTicks) {
        long op = nextOperation++;
        c.invoke(op, command);
        pump.deliverAll();
        pump.tickUntil(() -> pump.completions().containsKey(op), maxTicks);
        return pump.completions().get(op);
    }

    static String value(Outcome o) {
        assertThat(o).isInstanceOf(Outcome.Ok.class);
        Result r = ((Outcome.Ok) o).result();
        return r instanceof Result.Value v ? v.value().utf8() : r instanceof Result.Missing ? "" : r.toString();
    }

    boolean viewIs(NodeId primary, NodeId... backups) {
        View v = vs.view();
        return vs.acknowledged() && primary.equals(v.primary()) && v.backups().equals(List.of(backups));
    }

    /** The pair s1 (primary) + s2 (backup), settled: the view acknowledged, s2 holding the state. */
    PbServerCore[] pair() {
        PbServerCore s1 = server(S1);
        pump.tickUntil(() -> viewIs(S1), SETTLE_TICKS);
        PbServerCore s2 = server(S2);
        assertThat(pump.tickUntil(() -> viewIs(S1, S2) && s2.synced() && s1.serving(), SETTLE_TICKS))
                .as("s1 primary, s2 synced backup: %s", vs.view()).isTrue();
        return new PbServerCore[] {s1, s2};
    }

}
