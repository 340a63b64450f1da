package io.attache.server;

import org.eclipse.jetty.util.thread.Scheduler;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * At most so many requests of one user are served at once; the next ones wait, without holding
 * a thread, until one of that user's requests ends, for a while and up to a number; beyond
 * those they are refused (429). One user's slow downloads, uploads or floods thus never take
 * the threads that other users' requests need.
 */
final class UserGate {

    /** A request that may go on, or must be refused. */
    interface Ticket {
        void proceed();

        void refuse(String why);
    }

    private final int maxActive;
    private final int maxWaiting;
    private final Duration maxWait;
    private final Map<Long, Slots> users = new HashMap<>();

    private static final class Slots {
        int active;
        final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    }

    private static final class Waiting {
        final Ticket ticket;
        final Executor executor;
        Scheduler.Task timeout;

        Waiting(Ticket ticket, Executor executor) {
            this.ticket = ticket;
            this.executor = executor;
        }
    }

    UserGate(int maxActive, int maxWaiting, Duration maxWait) {
        this.maxActive = maxActive;
        this.maxWaiting = maxWaiting;
        this.maxWait = maxWait;
    }

    /**
     * Lets {@code ticket} proceed now (on this thread), later (on {@code executor}, when one of
     * the user's requests {@link #leave}s), or refuses it. Every ticket that proceeds must leave.
     */
    void enter(long userId, Ticket ticket, Executor executor, Scheduler scheduler) {
        Waiting queued;
        synchronized (this) {
            Slots slots = users.computeIfAbsent(userId, id -> new Slots());
            if (slots.active < maxActive) {
                slots.active++;
                queued = null;
            } else if (slots.waiting.size() < maxWaiting) {
                Waiting waiting = new Waiting(ticket, executor);
                slots.waiting.addLast(waiting);
                waiting.timeout = scheduler.schedule(() -> expire(userId, waiting), maxWait.toMillis(), TimeUnit.MILLISECONDS);
                queued = waiting;
            } else {
                ticket.refuse("more than " + (maxActive + maxWaiting) + " requests of one user at once");
                return;
            }
        }
        if (queued == null) {
            ticket.proceed();
        }
    }

    /** One of the user's requests ended: the longest waiting one goes on. */
    void leave(long userId) {
        Waiting next;
        synchronized (this) {
            Slots slots = users.get(userId);
            if (slots == null) {
                return;
            }
            next = slots.waiting.pollFirst();
            if (next == null) {
                if (--slots.active == 0) {
                    users.remove(userId);
                }
                return;
            }
            next.timeout.cancel();
        }
        // Always on another thread: the request that just ended must not run the next one.
        next.executor.execute(next.ticket::proceed);
    }

    private void expire(long userId, Waiting waiting) {
        synchronized (this) {
            Slots slots = users.get(userId);
            if (slots == null || !slots.waiting.remove(waiting)) {
                return;
            }
        }
        waiting.ticket.refuse("waited " + (maxWait.toMillis() >= 1000 ? maxWait.toSeconds() + " s" : maxWait.toMillis() + " ms")
                + " behind other requests of the same user");
    }

    /** Requests of {@code userId} being served now, for tests. */
    synchronized int active(long userId) {
        Slots slots = users.get(userId);
        return slots == null ? 0 : slots.active;
    }
}
