package io.replikv.server.runtime;

import io.replikv.core.Completion;
import io.replikv.core.Effects;
import io.replikv.core.Envelope;
import io.replikv.core.Message;
import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.Storage;
import io.replikv.server.metrics.ServerMetrics;
import io.replikv.server.transport.PeerInbox;
import io.replikv.server.transport.PeerTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts one core on one dedicated thread. Every input (a client request, a peer message, a tick)
 * waits in the node's inbox and runs on that thread, as do status reads, so the core stays
 * single-threaded as it was written. After each input the runtime drains the core's effects and
 * carries them out as {@link Effects} prescribes: {@code send} at once; persist ops written to
 * storage; {@code sendAfterPersist} held until a sync covers every write made so far.
 *
 * <p><b>Group commit.</b> The thread takes up to {@link RuntimeLimits#GROUP_COMMIT_INPUTS_MAX}
 * inputs from the inbox, runs each (writing its persist ops), then syncs once and releases the
 * held messages in order. Under load, every request that arrived during one fsync shares the next
 * one. This is the semantics the simulator checks every core against: a node takes further inputs
 * while its writes are not yet durable, and a message that had to wait for persistence leaves only
 * once everything written before it is durable (nothing "after persist" ever overtakes the sync).
 * Messages to client connections ({@code c<number>}) go back to the connection, all others to the
 * peer transport.
 *
 * <p>A core that throws (an {@link io.replikv.core.util.InvariantViolation} or anything else)
 * stops the node: no further input reaches it and the {@link FatalHandler} is told.
 */
public final class NodeRuntime implements NodeGateway, PeerInbox, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeRuntime.class);

    private final Node node;
    private final Storage storage;
    private final PeerTransport transport;
    private final ServerMetrics metrics;
    private final FatalHandler fatal;
    private final int tickMs;
    private final ScheduledThreadPoolExecutor thread;
    private final ConcurrentHashMap<NodeId, ClientSink> connections = new ConcurrentHashMap<>();
    private final AtomicLong nextConnection = new AtomicLong(1);
    private final AtomicInteger queued = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    // node thread only: writes not yet synced, and the messages waiting for that sync
    private boolean unsynced;
    private final List<Envelope> held = new ArrayList<>();
    private volatile boolean failed;
    private volatile boolean stopped;
    private volatile ScheduledFuture<?> ticks;

    public NodeRuntime(Node node, Storage storage, PeerTransport transport, ServerMetrics metrics, FatalHandler fatal,
                       int tickMs) {
        if (tickMs < RuntimeLimits.TICK_MS_MIN || tickMs > RuntimeLimits.TICK_MS_MAX) {
            throw new IllegalArgumentException("tick must be " + RuntimeLimits.TICK_MS_MIN + ".." + RuntimeLimits.TICK_MS_MAX
                    + " ms, got " + tickMs);
        }
        this.node = node;
        this.storage = storage;
        this.transport = transport;
        this.metrics = metrics;
        this.fatal = fatal;
        this.tickMs = tickMs;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "node-" + node.id().name());
            t.setDaemon(true);
            return t;
        });
        this.thread.setRemoveOnCancelPolicy(true);
        metrics.gauge("replikv_node_inbox_tasks", "Inputs waiting for the node thread.", queued::get);
    }

    /** Starts ticking. Inputs posted before are processed too (they queue up). */
    public void start() {
        ticks = thread.scheduleAtFixedRate(() -> {
            metrics.tick();
            enqueue(node::onTick); // never refused: time must pass even for a flooded node
        }, tickMs, tickMs, TimeUnit.MILLISECONDS);
        log.info("event=node_started node={} tick_ms={}", node.id(), tickMs);
    }

    @Override
    public NodeId self() {
        return node.id();
    }

    public boolean failed() {
        return failed;
    }

    @Override
    public NodeId registerConnection(ClientSink sink) {
        NodeId id = ConnectionIds.of(nextConnection.getAndIncrement());
        connections.put(id, sink);
        return id;
    }

    @Override
    public void unregisterConnection(NodeId connection) {
        connections.remove(connection);
    }

    @Override
    public boolean submit(NodeId connection, ClientRequest request) {
        return post("client", () -> node.onMessage(connection, request));
    }

    /** A message from a peer (called on transport threads). Dropped, and counted, when the inbox is full. */
    @Override
    public void deliver(NodeId from, Message message) {
        if (ConnectionIds.isConnection(from)) return; // the transport refuses such names; never let one in
        post("peer", () -> node.onMessage(from, message));
    }

    @Override
    public CompletableFuture<NodeStatus> status() {
        CompletableFuture<NodeStatus> result = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                if (failed) {
                    result.completeExceptionally(new IllegalStateException("node " + node.id() + " has stopped"));
                    return;
                }
                try {
                    result.complete(node.status());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                    fail(t);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException("node " + node.id() + " has stopped"));
        }
        return result;
    }

    private boolean post(String kind, Runnable input) {
        if (stopped || failed) return false;
        if (queued.get() >= RuntimeLimits.NODE_INBOX_TASKS_MAX) {
            metrics.inboxFull(kind);
            return false;
        }
        return enqueue(input);
    }

    private boolean enqueue(Runnable input) {
        queued.incrementAndGet();
        inbox.add(input);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                thread.execute(this::drainInbox);
            } catch (RejectedExecutionException e) {
                return false; // stopping: the inbox is never drained again
            }
        }
        return true;
    }

    /**
     * Runs up to {@link RuntimeLimits#GROUP_COMMIT_INPUTS_MAX} inputs, then one sync for all of
     * them, then the messages that waited for it. On the node thread.
     */
    private void drainInbox() {
        // cleared before polling: an input added from here on is either polled below or schedules another drain
        drainScheduled.set(false);
        int taken = 0;
        Runnable input;
        while (taken < RuntimeLimits.GROUP_COMMIT_INPUTS_MAX && !failed && (input = inbox.poll()) != null) {
            queued.decrementAndGet();
            step(input);
            taken++;
        }
        flush(taken);
        if (!inbox.isEmpty() && !failed && drainScheduled.compareAndSet(false, true)) {
            try {
                thread.execute(this::drainInbox); // behind any status read or tick that queued meanwhile
            } catch (RejectedExecutionException e) {
                // stopping
            }
        }
    }

    /** One input, then its effects (without the sync). Runs on the node thread. */
    private void step(Runnable input) {
        if (failed) return;
        try {
            input.run();
            act(node.drain());
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void act(Effects effects) {
        if (effects.isEmpty()) return;
        for (Envelope e : effects.send()) route(e);
        if (!effects.persist().isEmpty()) {
            for (PersistOp op : effects.persist()) storage.apply(op);
            unsynced = true;
        }
        if (unsynced) {
            held.addAll(effects.sendAfterPersist()); // they wait for everything written so far
        } else {
            for (Envelope e : effects.sendAfterPersist()) route(e);
        }
        for (Completion c : effects.completions()) {
            log.warn("event=completion_ignored node={} operation={} (server cores do not run client operations)",
                    node.id(), c.operationId());
        }
    }

    /** Syncs what the last {@code inputs} inputs wrote, then sends what waited for it. */
    private void flush(int inputs) {
        if (failed || !unsynced) return;
        try {
            storage.sync();
            metrics.synced(inputs);
            unsynced = false;
            for (Envelope e : held) route(e);
            held.clear();
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void route(Envelope e) {
        NodeId to = e.to();
        if (ConnectionIds.isConnection(to)) {
            ClientSink sink = connections.get(to);
            if (sink == null) {
                log.debug("event=reply_to_closed_connection conn={}", to);
            } else if (e.message() instanceof ClientReply reply) {
                sink.deliver(reply);
            } else {
                log.warn("event=non_reply_to_connection conn={} type={}", to, e.message().getClass().getSimpleName());
            }
            return;
        }
        if (to.equals(node.id())) {
            post("self", () -> node.onMessage(to, e.message()));
            return;
        }
        transport.send(to, e.message());
    }

    private void fail(Throwable cause) {
        if (failed) return;
        failed = true;
        log.error("event=node_failed node={} cause=\"{}\"", node.id(), cause.toString(), cause);
        if (ticks != null) ticks.cancel(false);
        fatal.onFatal(node.id(), cause);
    }

    /** Stops ticking and taking input; waits (bounded) for the task in progress. */
    @Override
    public void close() {
        stopped = true;
        if (ticks != null) ticks.cancel(false);
        thread.shutdown();
        try {
            if (!thread.awaitTermination(RuntimeLimits.STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) thread.shutdownNow();
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        log.info("event=node_stopped node={}", node.id());
    }
}
