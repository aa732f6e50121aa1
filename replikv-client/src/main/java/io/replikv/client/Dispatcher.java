package io.replikv.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands submitted operations to idle sessions, queueing them (bounded) while every session is
 * busy. One lock guards both the queue and the idle list, so an operation can never be stranded
 * in the queue while a session sits idle.
 */
final class Dispatcher {
    /**
     * Most operations queued while every session is busy. Beyond it a submission fails at once
     * (NotApplied BUSY) instead of growing memory and latency without bound; 10,000 covers bursts
     * of a busy application while a failover is in progress.
     */
    static final int PENDING_OPERATIONS_MAX = 10_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<PendingOperation> queue = new ArrayDeque<>();
    private final ArrayDeque<Session> idle = new ArrayDeque<>();
    private boolean closed;

    /** Either gives the operation to an idle session, queues it, or fails it (closed / queue full). */
    void submit(PendingOperation operation) {
        Session session;
        NotAppliedException refusal = null;
        lock.lock();
        try {
            session = closed ? null : idle.poll();
            if (closed) {
                refusal = new NotAppliedException("CLOSED", "the client is closed");
            } else if (session == null && queue.size() >= PENDING_OPERATIONS_MAX) {
                refusal = new NotAppliedException("BUSY", PENDING_OPERATIONS_MAX + " operations are already waiting for a session");
            } else if (session == null) {
                queue.add(operation);
            }
        } finally {
            lock.unlock();
        }
        // complete outside the lock: completing runs the caller's callbacks
        if (refusal != null) {
            operation.future().completeExceptionally(refusal);
        } else if (session != null) {
            session.post(() -> session.start(operation));
        }
    }

    /** The next queued operation for {@code session}, or null after marking it idle. */
    PendingOperation nextOrIdle(Session session) {
        lock.lock();
        try {
            PendingOperation next = closed ? null : queue.poll();
            if (next == null && !closed) idle.add(session);
            return next;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses everything from now on; returns the queued operations (never sent) for the caller to fail. */
    List<PendingOperation> close() {
        lock.lock();
        try {
            closed = true;
            List<PendingOperation> waiting = new ArrayList<>(queue);
            queue.clear();
            idle.clear();
            return waiting;
        } finally {
            lock.unlock();
        }
    }
}
