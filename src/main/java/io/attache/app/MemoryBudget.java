package io.attache.app;

/**
 * How many chunk buffers the pools may hold, from the heap the JVM was given (-Xmx): uploads a
 * quarter of it, read-ahead an eighth, so that the pools can never crowd out requests, the
 * database and Jetty, whatever the chunk size. Fixed counts of 10 MiB buffers held almost all of a
 * 256 MiB heap once large transfers had filled them.
 */
final class MemoryBudget {

    static final int MAX_BUFFERS = 16;

    private MemoryBudget() {
    }

    /** Upload buffers of {@code bufferSize} bytes: a quarter of the heap, at least 2, at most 16. */
    static int uploadBuffers(long maxHeap, int bufferSize) {
        return (int) Math.max(2, Math.min(MAX_BUFFERS, maxHeap / 4 / bufferSize));
    }

    /** Read-ahead buffers of {@code bufferSize} bytes: an eighth of the heap, at least 1, at most 16. */
    static int readAheadBuffers(long maxHeap, int bufferSize) {
        return (int) Math.max(1, Math.min(MAX_BUFFERS, maxHeap / 8 / bufferSize));
    }
}
