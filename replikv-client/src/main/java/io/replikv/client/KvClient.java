package io.replikv.client;

import io.replikv.core.NodeId;
import io.replikv.core.client.ClientConfig;
import io.replikv.core.client.ClientCore;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.Prng;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A replikv client: sessions with at-most-once writes, discovery and failover, over RESP.
 *
 * <p>Every operation ends in one of three ways: a result; {@link NotAppliedException} (definite:
 * it certainly did not take effect); or, for writes only, {@link UnknownOutcomeException}
 * (indefinite: it may have taken effect). A write is retried internally with the same
 * (client id, sequence number) until a definite answer or the operation timeout, so a retry is
 * never applied twice; reads never end in UnknownOutcomeException.
 *
 * <p>Thread-safe. The client runs {@link ClientOptions#sessions()} sessions, each one operation at
 * a time, so that many operations are in flight together; more wait in a bounded queue
 * ({@value Dispatcher#PENDING_OPERATIONS_MAX}). Futures complete on a client thread pool, never
 * on a session's thread, so callbacks may block (sparingly).
 */
public final class KvClient implements AutoCloseable {
    private final AddressBook book;
    private final Dispatcher dispatcher = new Dispatcher();
    private final List<Session> sessions = new ArrayList<>();
    private final ExecutorService callbacks = Executors.newVirtualThreadPerTaskExecutor();

    private KvClient(ClientOptions options) {
        this.book = new AddressBook(options.seeds(), options.connectTimeout(), this::onMembersChanged);
    }

    /**
     * Asks the seeds for the cluster's topology (the first that answers wins) and starts the sessions.
     *
     * @throws NotAppliedException code NO_SERVER when no seed answered {@code REPLIKV.TOPOLOGY}
     */
    public static KvClient connect(ClientOptions options) throws NotAppliedException {
        KvClient client = new KvClient(options);
        Topology topology;
        try {
            topology = client.book.discover();
        } catch (NotAppliedException e) {
            client.callbacks.close();
            throw e;
        }
        SplittableRandom seeds = options.randomSeed() == null
                ? new SplittableRandom(new SecureRandom().nextLong()) : new SplittableRandom(options.randomSeed());
        ClientConfig config = new ClientConfig(options.ticks(options.attemptTimeout()), options.ticks(options.retryBackoffMax()),
                options.operationTimeout().isZero() ? 0 : options.ticks(options.operationTimeout()));
        for (int i = 0; i < options.sessions(); i++) {
            ClientCore core = new ClientCore(NodeId.of("session-" + i), topology.memberIds(), new Prng(seeds.nextLong()), config);
            Session session = new Session(core, client.dispatcher, client.book, options, client.callbacks);
            client.sessions.add(session);
            client.dispatcher.nextOrIdle(session); // registers it as idle
            session.begin();
        }
        return client;
    }

    /** The topology learned last (at connect, or at the latest refresh). */
    public Topology topology() {
        return book.topology();
    }

    private void onMembersChanged(List<NodeId> members) {
        for (Session session : sessions) session.post(() -> session.onMembersChanged(members));
    }

    // ---- async -----------------------------------------------------------------------------

    /** The value of {@code key}, empty when absent. Fails with {@link NotAppliedException} only. */
    public CompletableFuture<Optional<Bytes>> getAsync(Bytes key) {
        return submit(new Command.Get(key), result -> switch (result) {
            case Result.Value v -> Optional.of(v.value());
            case Result.Missing m -> Optional.<Bytes>empty();
            default -> throw unexpected(result);
        });
    }

    /** Sets {@code key} to {@code value}. Fails with {@link NotAppliedException} or {@link UnknownOutcomeException}. */
    public CompletableFuture<Void> putAsync(Bytes key, Bytes value) {
        return submit(new Command.Put(key, value), result -> {
            if (!(result instanceof Result.Written)) throw unexpected(result);
            return null;
        });
    }

    /**
     * Appends {@code value} to the value of {@code key} ("" when absent); the new length in bytes.
     * Fails with {@link NotAppliedException} (REFUSED when the value would exceed 1 MiB) or
     * {@link UnknownOutcomeException}.
     */
    public CompletableFuture<Long> appendAsync(Bytes key, Bytes value) {
        return submit(new Command.Append(key, value), result -> {
            if (!(result instanceof Result.Length l)) throw unexpected(result);
            return l.length();
        });
    }

    /**
     * Sets {@code key} to the unsigned decimal FNV-1a-32 hash of old value + {@code value}; the old
     * value ("" when absent). Fails with {@link NotAppliedException} or {@link UnknownOutcomeException}.
     */
    public CompletableFuture<Bytes> putHashAsync(Bytes key, Bytes value) {
        return submit(new Command.PutHash(key, value), result -> {
            if (!(result instanceof Result.Value v)) throw unexpected(result);
            return v.value();
        });
    }

    /** Removes {@code key}; true when it existed. Fails with {@link NotAppliedException} or {@link UnknownOutcomeException}. */
    public CompletableFuture<Boolean> deleteAsync(Bytes key) {
        return submit(new Command.Delete(key), result -> {
            if (!(result instanceof Result.Count c)) throw unexpected(result);
            return c.count() > 0;
        });
    }

    private <T> CompletableFuture<T> submit(Command command, Function<Result, T> convert) {
        PendingOperation operation = PendingOperation.of(command);
        dispatcher.submit(operation);
        return operation.future().thenApply(convert);
    }

    private static IllegalStateException unexpected(Result result) {
        // the RESP mapping builds results by verb, so this is a bug in this library, not a server's
        return new IllegalStateException("result of the wrong kind for the command: " + result);
    }

    // ---- sync --------------------------------------------------------------------------------

    /**
     * The value of {@code key}, empty when absent.
     *
     * @throws NotAppliedException TIMEOUT, UNAVAILABLE, BAD_REQUEST (key over 4 KiB), BUSY, CLOSED, INTERRUPTED
     */
    public Optional<Bytes> get(Bytes key) throws NotAppliedException {
        try {
            return await(getAsync(key), false);
        } catch (NotAppliedException e) {
            throw e;
        } catch (KvException e) {
            throw Invariants.unreachable("a read ended with an unknown outcome: %s", e.getMessage());
        }
    }

    /** UTF-8 convenience for {@link #get(Bytes)}; same exceptions. */
    public Optional<String> get(String key) throws NotAppliedException {
        return get(Bytes.of(key)).map(Bytes::utf8);
    }

    /**
     * Sets {@code key} to {@code value}.
     *
     * @throws NotAppliedException     definitely not applied: BAD_REQUEST (key over 4 KiB, value over 1 MiB), TIMEOUT, BUSY, CLOSED
     * @throws UnknownOutcomeException may have been applied (an attempt went unanswered, the client closed, the thread was interrupted)
     */
    public void put(Bytes key, Bytes value) throws KvException {
        await(putAsync(key, value), true);
    }

    /** UTF-8 convenience for {@link #put(Bytes, Bytes)}; same exceptions. */
    public void put(String key, String value) throws KvException {
        put(Bytes.of(key), Bytes.of(value));
    }

    /**
     * Appends {@code value}; returns the new length in bytes.
     *
     * @throws NotAppliedException     definitely not applied: REFUSED (result over 1 MiB), BAD_REQUEST, TIMEOUT, BUSY, CLOSED
     * @throws UnknownOutcomeException may have been applied
     */
    public long append(Bytes key, Bytes value) throws KvException {
        return await(appendAsync(key, value), true);
    }

    /** UTF-8 convenience for {@link #append(Bytes, Bytes)}; same exceptions. */
    public long append(String key, String value) throws KvException {
        return append(Bytes.of(key), Bytes.of(value));
    }

    /**
     * Stores the FNV-1a-32 hash of old value + {@code value}; returns the old value ("" when absent).
     *
     * @throws NotAppliedException     definitely not applied: BAD_REQUEST, TIMEOUT, BUSY, CLOSED
     * @throws UnknownOutcomeException may have been applied
     */
    public Bytes putHash(Bytes key, Bytes value) throws KvException {
        return await(putHashAsync(key, value), true);
    }

    /** UTF-8 convenience for {@link #putHash(Bytes, Bytes)}; same exceptions. */
    public String putHash(String key, String value) throws KvException {
        return putHash(Bytes.of(key), Bytes.of(value)).utf8();
    }

    /**
     * Removes {@code key}; true when it existed.
     *
     * @throws NotAppliedException     definitely not applied: BAD_REQUEST, TIMEOUT, BUSY, CLOSED
     * @throws UnknownOutcomeException may have been applied
     */
    public boolean delete(Bytes key) throws KvException {
        return await(deleteAsync(key), true);
    }

    /** UTF-8 convenience for {@link #delete(Bytes)}; same exceptions. */
    public boolean delete(String key) throws KvException {
        return delete(Bytes.of(key));
    }

    private static <T> T await(CompletableFuture<T> future, boolean write) throws KvException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            // new exceptions, so the stack trace shows the caller; the original is the cause
            if (e.getCause() instanceof NotAppliedException n) throw (NotAppliedException) new NotAppliedException(n.code(), n.detail()).initCause(n);
            if (e.getCause() instanceof UnknownOutcomeException u) throw (UnknownOutcomeException) new UnknownOutcomeException(u.getMessage()).initCause(u);
            throw new IllegalStateException("operation failed unexpectedly", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw write ? new UnknownOutcomeException("interrupted while waiting; the write goes on in the background")
                    : new NotAppliedException("INTERRUPTED", "interrupted while waiting for the read");
        }
    }

    /**
     * Stops the client. Operations still queued fail with NotApplied CLOSED; an operation in flight
     * fails with UnknownOutcome (writes) or NotApplied CLOSED (reads). Waits for the sessions to stop.
     */
    @Override
    public void close() {
        for (PendingOperation waiting : dispatcher.close()) {
            waiting.future().completeExceptionally(new NotAppliedException("CLOSED", "the client was closed before the operation was sent"));
        }
        for (Session session : sessions) session.post(session::shutdown);
        boolean interrupted = false;
        for (Session session : sessions) {
            try {
                session.awaitTermination();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        callbacks.close();
        if (interrupted) Thread.currentThread().interrupt();
    }
}
