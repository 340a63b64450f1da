package io.attache.fs;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Lets a metadata backup take its snapshot at a moment when no committed content is only in the
 * staging area: writes commit through the gate (shared), a backup closes it (exclusive) for the
 * moment it checks that staging holds no committed blob and copies the database. A snapshot then
 * never names a staged blob, which a restore on another machine could not read.
 */
public final class CommitGate {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);

    void enter() {
        lock.readLock().lock();
    }

    void exit() {
        lock.readLock().unlock();
    }

    /** Closes the gate for {@code action}, waiting at most {@code timeoutMillis} for commits under way. */
    <T> T closedFor(long timeoutMillis, Action<T> action) throws Exception {
        if (!lock.writeLock().tryLock(timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new java.io.IOException("commits did not pause within " + timeoutMillis + " ms");
        }
        try {
            return action.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @FunctionalInterface
    interface Action<T> {
        T run() throws Exception;
    }
}
