package io.attache.store.discord;

/**
 * At most {@code limit} events in any interval of {@code windowNanos}: a ring of the last
 * {@code limit} event times. Unlike a fixed window it cannot be caught at a window boundary, so it
 * stays under a server's limit whatever the alignment of the server's own windows. Not
 * thread-safe; the rate limiter guards it.
 */
final class SlidingWindow {

    private final long[] times;
    private final long windowNanos;
    private int head;
    private int size;

    SlidingWindow(int limit, long windowNanos) {
        if (limit < 1 || windowNanos <= 0) {
            throw new IllegalArgumentException("limit " + limit + " per " + windowNanos + " ns");
        }
        this.times = new long[limit];
        this.windowNanos = windowNanos;
    }

    /** Nanoseconds until one more event fits; 0 when it fits now. */
    long waitNanos(long now) {
        prune(now);
        return size < times.length ? 0 : times[head] + windowNanos - now;
    }

    /** Records an event; callers check {@link #waitNanos} first. */
    void add(long now) {
        prune(now);
        if (size == times.length) {
            head = (head + 1) % times.length;
            size--;
        }
        times[(head + size) % times.length] = now;
        size++;
    }

    int count(long now) {
        prune(now);
        return size;
    }

    private void prune(long now) {
        while (size > 0 && times[head] + windowNanos - now <= 0) {
            head = (head + 1) % times.length;
            size--;
        }
    }
}
