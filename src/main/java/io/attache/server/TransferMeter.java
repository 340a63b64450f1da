package io.attache.server;

/**
 * The minimum data rate of one transfer direction, as arithmetic (times in nanoseconds, passed
 * in, so that it is table-tested). Only time the server spends <em>waiting for the client</em>
 * counts: a write that has not completed, a read that found no data. Within a window, such waits
 * may add up to at most {@code grace + min(bytes / minRate, grace)}: a client that keeps up with
 * {@code minRate} is never cut, one that stalls or trickles is cut after one to two graces. A
 * window closes once {@code grace} of waiting has passed within the rule, and the bytes of a
 * window earn at most one more grace, so a fast start buys no long stall later. Enforced
 * approximately, as Jetty's own rates are: a client below half the rate may pass when each of
 * its waits fits in two graces. Not thread-safe: one direction of one request.
 */
final class TransferMeter {

    private final long minRate;
    private final long graceNanos;
    private long waited;
    private long bytes;
    private long waitStart = -1;
    private long pending;

    /**
     * @param minRate    bytes per second, at least 1
     * @param graceNanos how far behind that rate a client may fall
     */
    TransferMeter(long minRate, long graceNanos) {
        if (minRate < 1 || graceNanos < 1) {
            throw new IllegalArgumentException("rate " + minRate + ", grace " + graceNanos);
        }
        this.minRate = minRate;
        this.graceNanos = graceNanos;
    }

    /**
     * The server starts waiting for the client, for {@code pendingBytes} it has handed over
     * (a write; 0 for a read).
     *
     * @return the time by which the wait must end, or the client is too slow
     */
    long waitStarted(long now, long pendingBytes) {
        waitStart = now;
        pending = pendingBytes;
        return now + allowance(bytes + pendingBytes) - waited;
    }

    /** The wait ended with {@code moved} bytes transferred (the pending write's, or what a read got). */
    void waitEnded(long now, long moved) {
        if (waitStart < 0) {
            bytes += moved;
            return;
        }
        waited += now - waitStart;
        bytes += moved;
        waitStart = -1;
        pending = 0;
        if (waited >= graceNanos && waited <= allowance(bytes)) {
            waited = 0;
            bytes = 0;
        }
    }

    /** Bytes that arrived without the server waiting for them (a read that found data at once). */
    void moved(long count) {
        bytes += count;
    }

    /** Whether the wait under way, at {@code now}, has overrun what the client's pace allows. */
    boolean tooSlow(long now) {
        long current = waitStart < 0 ? 0 : now - waitStart;
        return waited + current > allowance(bytes + pending);
    }

    private long allowance(long count) {
        long earned = count >= Long.MAX_VALUE / 1_000_000_000L ? graceNanos : count * 1_000_000_000L / minRate;
        return graceNanos + Math.min(earned, graceNanos);
    }
}
