package io.replikv.client;

import io.replikv.client.resp.RespMapping;
import io.replikv.client.resp.RespWriter;
import io.replikv.core.Completion;
import io.replikv.core.Effects;
import io.replikv.core.Envelope;
import io.replikv.core.NodeId;
import io.replikv.core.client.ClientCore;
import io.replikv.core.client.Outcome;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.Reply;
import io.replikv.core.util.Invariants;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The shell around one {@link ClientCore}: one session (client id), one operation at a time, one
 * thread. Everything that touches the core runs on that thread, as an event taken from the
 * inbox: operations to start, replies and connection failures from {@link ServerConnection}s,
 * membership changes; between events the thread ticks the core on the clock. All retry logic is
 * the core's; the shell only turns envelopes into RESP and RESP back into replies.
 */
final class Session {
    /**
     * Most ticks run in one wake-up after the thread fell behind (GC pause, overloaded machine):
     * enough to catch up a second of 10 ms ticks; beyond it time is skipped rather than replayed.
     */
    static final int TICKS_PER_WAKEUP_MAX = 100;

    private final ClientCore core;
    private final Dispatcher dispatcher;
    private final AddressBook book;
    private final ClientOptions options;
    private final Executor callbacks;
    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final TreeMap<NodeId, ServerConnection> connections = new TreeMap<>();
    private final long tickNanos;
    private final Thread thread;

    private PendingOperation current;
    private long operationId;
    private boolean running = true;

    Session(ClientCore core, Dispatcher dispatcher, AddressBook book, ClientOptions options, Executor callbacks) {
        this.core = core;
        this.dispatcher = dispatcher;
        this.book = book;
        this.options = options;
        this.callbacks = callbacks;
        this.tickNanos = options.tick().toNanos();
        this.thread = Thread.ofPlatform().daemon().name("replikv-" + core.id()).unstarted(this::run);
    }

    void begin() {
        thread.start();
    }

    /** Any thread: runs {@code event} on the session thread. */
    void post(Runnable event) {
        inbox.add(event);
    }

    private void run() {
        long nextTick = System.nanoTime() + tickNanos;
        while (running) {
            Runnable event;
            try {
                if (core.busy()) {
                    long wait = nextTick - System.nanoTime();
                    event = wait > 0 ? inbox.poll(wait, TimeUnit.NANOSECONDS) : inbox.poll();
                } else {
                    event = inbox.take();
                    nextTick = System.nanoTime() + tickNanos; // the core was idle: its clock starts now
                }
            } catch (InterruptedException e) {
                break;
            }
            if (event != null) event.run();
            drainEffects();
            nextTick = tickIfDue(nextTick);
        }
        closeConnections();
    }

    private long tickIfDue(long nextTick) {
        long now = System.nanoTime();
        for (int ticks = 0; core.busy() && now - nextTick >= 0 && ticks < TICKS_PER_WAKEUP_MAX; ticks++) {
            core.onTick();
            drainEffects();
            nextTick += tickNanos;
        }
        return now - nextTick >= 0 ? now + tickNanos : nextTick;
    }

    /** Session thread: starts an operation the dispatcher handed to this (idle) session. */
    void start(PendingOperation operation) {
        Invariants.check(current == null && !core.busy(), "session %s given an operation while busy", core.id());
        if (!running) {
            operation.future().completeExceptionally(new NotAppliedException("CLOSED", "the client is closed"));
            return;
        }
        current = operation;
        core.invoke(++operationId, operation.command());
    }

    private void drainEffects() {
        for (Effects effects = core.drain(); !effects.isEmpty(); effects = core.drain()) {
            for (Envelope envelope : effects.send()) send(envelope);
            for (Completion completion : effects.completions()) complete(completion);
        }
    }

    private void send(Envelope envelope) {
        Invariants.check(envelope.message() instanceof ClientRequest, "client core sent %s", envelope.message());
        ClientRequest request = (ClientRequest) envelope.message();
        NodeId server = envelope.to();
        InetSocketAddress address = book.address(server);
        if (address == null) {
            book.requestRefresh();
            refuseLater(server, request.correlation(), "no client address known for " + server);
            return;
        }
        ServerConnection connection = connections.get(server);
        if (connection == null || connection.closed || !connection.address.equals(address)) {
            if (connection != null) dropConnection(connection);
            connection = new ServerConnection(server, address, this, options.connectTimeout());
            connections.put(server, connection);
            connection.start();
        }
        byte[] wire = RespWriter.command(RespMapping.toCommand(request.request()));
        if (!connection.send(request.correlation(), request.request().command(), wire)) {
            // too many unanswered requests on it: they are lost; this attempt goes unanswered too
            // (the core's attempt timeout moves on), which is always a safe reading
            dropConnection(connection);
        }
    }

    /** A request that certainly never left: feed the core a WRONG_SERVER refusal so it moves on now. */
    private void refuseLater(NodeId server, long correlation, String why) {
        post(() -> core.onMessage(server,
                new ClientReply(correlation, new Reply.Rejected(Reply.RejectCode.WRONG_SERVER, why, null))));
    }

    private void complete(Completion completion) {
        if (current == null || completion.operationId() != operationId) return;
        PendingOperation finished = current;
        current = null;
        Outcome outcome = completion.outcome();
        callbacks.execute(() -> {
            switch (outcome) {
                case Outcome.Ok ok -> finished.future().complete(ok.result());
                case Outcome.NotApplied no -> finished.future().completeExceptionally(new NotAppliedException(no.code(), no.message()));
                case Outcome.Unknown unknown -> finished.future().completeExceptionally(finished.command().readOnly()
                        ? new NotAppliedException("UNAVAILABLE", unknown.message()) // a read has no effect to be unsure of
                        : new UnknownOutcomeException(unknown.message()));
            }
        });
        PendingOperation next = dispatcher.nextOrIdle(this);
        if (next != null) start(next);
    }

    void onReply(ServerConnection connection, io.replikv.client.resp.RespValue value) {
        ServerConnection.InFlight head = connection.inFlight.poll();
        if (head == null) {
            dropConnection(connection); // a reply nobody asked for: the stream is out of step
            return;
        }
        Reply reply = RespMapping.toReply(head.command(), value);
        if (reply instanceof Reply.Rejected r && r.leaderHint() != null && !book.knows(r.leaderHint())) {
            book.requestRefresh(); // a leader we have no address for: the membership changed
        }
        core.onMessage(connection.server, new ClientReply(head.correlation(), reply));
    }

    void onConnectFailed(ServerConnection connection, IOException cause) {
        connection.closed = true;
        connections.remove(connection.server, connection);
        book.requestRefresh();
        // the connection never opened, so none of its requests was delivered: definitely not applied
        for (ServerConnection.InFlight undelivered : connection.inFlight) {
            core.onMessage(connection.server, new ClientReply(undelivered.correlation(), new Reply.Rejected(
                    Reply.RejectCode.WRONG_SERVER, "cannot connect to " + connection.server + ": " + cause, null)));
        }
        connection.inFlight.clear();
    }

    void onConnectionLost(ServerConnection connection, Exception cause) {
        if (connection.closed) return;
        dropConnection(connection);
        book.requestRefresh();
    }

    /** Requests still in flight on it count as unanswered: they may have been applied (silence). */
    private void dropConnection(ServerConnection connection) {
        connection.closed = true;
        connection.inFlight.clear();
        connections.remove(connection.server, connection);
        connection.close();
    }

    /** Session thread: the membership changed. */
    void onMembersChanged(List<NodeId> members) {
        core.updateServers(members);
    }

    /** Session thread: fails the operation in flight and stops the thread. */
    void shutdown() {
        running = false;
        if (current != null) {
            PendingOperation abandoned = current;
            current = null;
            callbacks.execute(() -> abandoned.future().completeExceptionally(abandoned.command().readOnly()
                    ? new NotAppliedException("CLOSED", "the client was closed during the read")
                    : new UnknownOutcomeException("the client was closed while the write was in flight")));
        }
    }

    private void closeConnections() {
        for (ServerConnection connection : List.copyOf(connections.values())) dropConnection(connection);
    }

    void awaitTermination() throws InterruptedException {
        thread.join();
    }
}
