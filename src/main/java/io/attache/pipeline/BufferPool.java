package io.attache.pipeline;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A fixed number of equally sized buffers shared by all writes. Holding at most {@code capacity}
 * buffers is what bounds the server's memory, whatever the number and size of uploads: a write
 * waits for a buffer instead of allocating one. Buffers are allocated on first use and reused.
 */
public final class BufferPool {

    private final int bufferSize;
    private final int capacity;
    private final Semaphore permits;
    private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
    private final long waitMillis;

    public BufferPool(int bufferSize, int capacity, long waitMillis) {
        if (bufferSize <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("buffer size " + bufferSize + ", capacity " + capacity);
        }
        this.bufferSize = bufferSize;
        this.capacity = capacity;
        this.permits = new Semaphore(capacity, true);
        this.waitMillis = waitMillis;
    }

    public int bufferSize() {
        return bufferSize;
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Takes a buffer, waiting while all are in use.
     *
     * @throws IOException when none frees up within the configured wait (the server is overloaded)
     */
    public byte[] acquire() throws IOException {
        try {
            if (!permits.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
                throw new IOException("no upload buffer became free within " + waitMillis + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for an upload buffer");
        }
        byte[] buffer = free.poll();
        return buffer != null ? buffer : new byte[bufferSize];
    }

    /** A buffer if one is free right now, else null. */
    public byte[] tryAcquire() {
        if (!permits.tryAcquire()) {
            return null;
        }
        byte[] buffer = free.poll();
        return buffer != null ? buffer : new byte[bufferSize];
    }

    public void release(byte[] buffer) {
        if (buffer.length != bufferSize) {
            throw new IllegalArgumentException("not a buffer of this pool");
        }
        free.offer(buffer);
        permits.release();
    }

    /** Buffers not currently held by anyone. */
    public int available() {
        return permits.availablePermits();
    }
}
