package io.replikv.server.runtime;

import io.replikv.core.Effects;
import io.replikv.core.Envelope;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UNSAFE, FOR TESTS ONLY: breaks a server on purpose so that a test can prove {@code replikv
 * check} catches a broken cluster (docs/check.md). Off unless the environment variable
 * {@value #ENVIRONMENT} is set; nothing else turns it on.
 *
 * <p>{@code lose-puts:P} (0 &lt; P &lt;= 1): with probability P, a Put that arrives from a client
 * connection is answered "OK" at once and never reaches the core. The write is acknowledged and
 * lost, in any mode, so a later read sees an older value: not linearizable. It wraps the core in
 * the runtime shell; no protocol code knows about it.
 */
public final class UnsafeTestFault implements Node {
    private static final Logger log = LoggerFactory.getLogger(UnsafeTestFault.class);

    /** The only switch: an environment variable, so that no command line, config file or flag can turn it on by accident. */
    public static final String ENVIRONMENT = "REPLIKV_UNSAFE_TEST_FAULT";

    static final String LOSE_PUTS = "lose-puts:";

    private final Node inner;
    private final double loseProbability;
    private final SplittableRandom random;
    private final String spec;
    private final List<Envelope> fakeReplies = new ArrayList<>();

    UnsafeTestFault(Node inner, String spec, long seed) {
        this.inner = inner;
        this.spec = spec;
        this.loseProbability = parse(spec);
        this.random = new SplittableRandom(seed);
    }

    /** {@code node} itself unless {@value #ENVIRONMENT} is set; then the node with that fault, loudly logged. */
    public static Node fromEnvironment(Node node, long seed) {
        String spec = System.getenv(ENVIRONMENT);
        if (spec == null || spec.isEmpty()) return node;
        UnsafeTestFault fault = new UnsafeTestFault(node, spec, seed);
        log.error("event=unsafe_test_fault node={} fault={} -- THIS SERVER LOSES ACKNOWLEDGED WRITES ON PURPOSE (tests only)",
                node.id(), spec);
        return fault;
    }

    /** The probability of {@code lose-puts:P}. */
    static double parse(String spec) {
        if (spec.startsWith(LOSE_PUTS)) {
            try {
                double p = Double.parseDouble(spec.substring(LOSE_PUTS.length()));
                if (p > 0 && p <= 1) return p;
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException(ENVIRONMENT + "=" + spec + " is not a known fault; the only one is "
                + LOSE_PUTS + "P with 0 < P <= 1");
    }

    @Override
    public NodeId id() {
        return inner.id();
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        if (ConnectionIds.isConnection(from) && message instanceof ClientRequest r
                && r.request().command() instanceof Command.Put && random.nextDouble() < loseProbability) {
            fakeReplies.add(new Envelope(from, new ClientReply(r.correlation(), new Reply.Applied(Result.WRITTEN))));
            return;
        }
        inner.onMessage(from, message);
    }

    @Override
    public void onTick() {
        inner.onTick();
    }

    @Override
    public Effects drain() {
        Effects effects = inner.drain();
        if (fakeReplies.isEmpty()) return effects;
        List<Envelope> send = new ArrayList<>(effects.send());
        send.addAll(fakeReplies);
        fakeReplies.clear();
        return new Effects(send, effects.persist(), effects.sendAfterPersist(), effects.completions());
    }

    @Override
    public NodeStatus status() {
        NodeStatus s = inner.status();
        TreeMap<String, String> details = new TreeMap<>(s.details());
        details.put("unsafeTestFault", spec);
        return new NodeStatus(s.id(), s.mode(), s.role(), s.epoch(), s.leader(), s.members(), s.applied(), details);
    }
}
