package io.replikv.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.Effects;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.Outbox;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Reply;
import io.replikv.core.single.SingleServerCore;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.storage.LogStore;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.SnapshotStore;
import io.replikv.core.storage.StableStore;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.InvariantViolation;
import io.replikv.core.util.Invariants;
import io.replikv.server.metrics.ServerMetrics;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Goal: the runtime drives a core on its own thread and carries out effects in the prescribed
 * order (send, persist + sync, send-after-persist), routes replies to client connections and
 * everything else to the transport, sheds load when its inbox is full, and stops the node —
 * telling the fatal handler — when the core breaks an invariant.
 */
class NodeRuntimeTest {
    private static final NodeId N1 = NodeId.of("n1");
    private final RecordingTransport transport = new RecordingTransport();
    private final CompletableFuture<Throwable> fatal = new CompletableFuture<>();
    private NodeRuntime runtime;

    private final ServerMetrics metrics = new ServerMetrics();

    private NodeRuntime start(Node node, Storage storage) {
        return start(node, storage, 10);
    }

    private NodeRuntime start(Node node, Storage storage, int tickMs) {
        runtime = new NodeRuntime(node, storage, transport, metrics, (id, cause) -> fatal.complete(cause), tickMs);
        transport.start(runtime);
        runtime.start();
        return runtime;
    }

    @AfterEach
    void stop() {
        if (runtime != null) runtime.close();
    }

    @Test
    void aClientRequestIsAnsweredOnItsConnection() throws Exception {
        start(new SingleServerCore(N1), new MemoryStorage());
        LinkedBlockingQueue<ClientReply> replies = new LinkedBlockingQueue<>();
        NodeId conn = runtime.registerConnection(replies::add);
        assertThat(conn.name()).matches("c\\d+");
        runtime.submit(conn, new ClientRequest(1, Request.untagged(new Command.Put(Bytes.of("k"), Bytes.of("v")))));
        runtime.submit(conn, new ClientRequest(2, Request.untagged(new Command.Get(Bytes.of("k")))));
        assertThat(replies.poll(10, TimeUnit.SECONDS)).isEqualTo(new ClientReply(1, new Reply.Applied(Result.WRITTEN)));
        assertThat(replies.poll(10, TimeUnit.SECONDS))
                .isEqualTo(new ClientReply(2, new Reply.Applied(new Result.Value(Bytes.of("v")))));
        assertThat(runtime.status().get(10, TimeUnit.SECONDS).applied()).isEqualTo(1);
    }

    /** A core whose every message runs a script against its outbox. */
    static final class ScriptedCore implements Node {
        final Outbox outbox = new Outbox();
        final Consumer<Outbox> script;

        ScriptedCore(Consumer<Outbox> script) {
            this.script = script;
        }

        @Override public NodeId id() { return N1; }
        @Override public void onMessage(NodeId from, Message message) { script.accept(outbox); }
        @Override public void onTick() {}
        @Override public Effects drain() { return outbox.drain(); }
        @Override public NodeStatus status() {
            return new NodeStatus(N1, "test", "test", 0, null, List.of(N1), 0, new TreeMap<>());
        }
    }

    /** Storage in memory that records each write (as {@code describe} says) and each sync in {@code events}. */
    private static Storage recording(MemoryStorage memory, List<String> events, java.util.function.Function<PersistOp, String> describe) {
        return new Storage() {
            @Override public StableStore stable() { return memory.stable(); }
            @Override public LogStore log() { return memory.log(); }
            @Override public SnapshotStore snapshots() { return memory.snapshots(); }
            @Override public void apply(PersistOp op) {
                events.add(describe.apply(op));
                memory.apply(op);
            }
            @Override public void sync() { events.add("sync"); }
        };
    }

    @Test
    void messagesQueuedAfterPersistLeaveOnlyOnceStorageIsSynced() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        MemoryStorage memory = new MemoryStorage();
        Storage storage = recording(memory, events, op -> "apply");
        NodeId conn = NodeId.of("c1");
        start(new ScriptedCore(out -> {
            out.sendAfterPersist(conn, new ClientReply(2, new Reply.Applied(Result.WRITTEN)));
            out.persist(new PersistOp.PutStable("term", Bytes.of("3")));
            out.send(conn, new ClientReply(1, new Reply.Applied(Result.WRITTEN)));
            out.send(NodeId.of("n2"), new ClientRequest(9, Request.untagged(new Command.Get(Bytes.of("x")))));
        }), storage);
        CountDownLatch done = new CountDownLatch(2);
        NodeId registered = runtime.registerConnection(r -> {
            events.add("reply " + r.correlation());
            done.countDown();
        });
        assertThat(registered).isEqualTo(conn);
        runtime.deliver(NodeId.of("n2"), new ClientRequest(5, Request.untagged(new Command.Get(Bytes.of("x")))));
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(events).containsExactly("reply 1", "apply", "sync", "reply 2");
        assertThat(memory.get("term")).contains(Bytes.of("3"));
        assertThat(transport.sent).extracting(RecordingTransport.Sent::to).containsExactly(NodeId.of("n2"));
    }

    /**
     * Group commit: inputs that queue up while the node thread is busy share one sync (at most
     * GROUP_COMMIT_INPUTS_MAX inputs per sync), and no message that waited for persistence leaves
     * before a sync that covers its own write.
     */
    @Test
    void inputsThatQueueUpShareOneSyncAndNoReplyOvertakesIt() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Storage storage = recording(new MemoryStorage(), events, op -> "apply " + ((PersistOp.PutStable) op).key());
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        NodeId conn = NodeId.of("c1");
        int[] seq = {0};
        start(new ScriptedCore(out -> {
            int n = ++seq[0];
            if (n == 1) {
                blocked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            out.persist(new PersistOp.PutStable("k" + n, Bytes.of("v")));
            out.sendAfterPersist(conn, new ClientReply(n, new Reply.Applied(Result.WRITTEN)));
        }), storage, RuntimeLimits.TICK_MS_MAX);
        int inputs = RuntimeLimits.GROUP_COMMIT_INPUTS_MAX + 44;
        CountDownLatch replies = new CountDownLatch(inputs);
        runtime.registerConnection(r -> {
            events.add("reply " + r.correlation());
            replies.countDown();
        });
        ClientRequest req = new ClientRequest(1, Request.untagged(new Command.Get(Bytes.of("k"))));
        runtime.submit(conn, req);
        assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i < inputs; i++) assertThat(runtime.submit(conn, req)).isTrue();
        release.countDown();
        assertThat(replies.await(30, TimeUnit.SECONDS)).isTrue();

        long syncs = events.stream().filter("sync"::equals).count();
        // 300 inputs queued behind one busy input: two group commits (a tick may add a third)
        assertThat(syncs).isBetween(2L, 3L);
        assertThat(metrics.counter("replikv_storage_syncs_total", "")).isEqualTo(syncs);
        for (int n = 1; n <= inputs; n++) {
            int applied = events.indexOf("apply k" + n);
            int replied = events.indexOf("reply " + n);
            assertThat(applied).as("input %d written", n).isNotNegative();
            assertThat(events.subList(applied, replied)).as("a sync between write %d and its reply", n).contains("sync");
        }
    }

    @Test
    void anInvariantViolationStopsTheNodeAndIsReported() throws Exception {
        start(new ScriptedCore(out -> Invariants.check(false, "a broken invariant %d", 42)), new MemoryStorage());
        NodeId conn = runtime.registerConnection(r -> {});
        assertThat(runtime.submit(conn, new ClientRequest(1, Request.untagged(new Command.Get(Bytes.of("k")))))).isTrue();
        Throwable cause = fatal.get(10, TimeUnit.SECONDS);
        assertThat(cause).isInstanceOf(InvariantViolation.class).hasMessage("a broken invariant 42");
        assertThat(runtime.failed()).isTrue();
        assertThat(runtime.submit(conn, new ClientRequest(2, Request.untagged(new Command.Get(Bytes.of("k")))))).isFalse();
        assertThatThrownBy(() -> runtime.status().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }

    @Test
    void aFullInboxRefusesClientRequests() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start(new ScriptedCore(out -> {
            blocked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), new MemoryStorage());
        NodeId conn = runtime.registerConnection(r -> {});
        ClientRequest req = new ClientRequest(1, Request.untagged(new Command.Get(Bytes.of("k"))));
        runtime.submit(conn, req);
        assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
        int accepted = 0;
        while (runtime.submit(conn, req)) accepted++;
        release.countDown();
        assertThat(accepted).isEqualTo(RuntimeLimits.NODE_INBOX_TASKS_MAX);
    }
}
