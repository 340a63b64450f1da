package io.attache.store.discord;

import java.util.concurrent.TimeUnit;

/**
 * The window accounting of one rate-limit bucket (one hash or route, one major parameter, one
 * credential): how many requests the current window has left and when it ends, counted locally as
 * requests are granted and corrected by the answers. Guarded by the {@link RateLimiter}'s lock.
 */
final class RateBucket {

    /** Used when a window's length was never observed and must be guessed. */
    private static final long DEFAULT_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    final String name;
    final String identity;
    final String major;
    /** The route it stands for until Discord names its hash; null once keyed by hash. */
    String provisionalRoute;
    /** Requests per window; -1 until an answer says. */
    int limit = -1;
    int remaining;
    /** End of the current window; meaningful when {@code resetKnown}. */
    long resetAt;
    boolean resetKnown;
    /** Counts windows; an answer to a request of an older window says nothing about this one. */
    long generation;
    int inflight;
    /** No request before this (a 429, a backoff). */
    long holdUntil;
    /** Consecutive 5xx or network failures. */
    int failures;
    /** The window length as last observed. */
    long period;

    RateBucket(String name, String identity, String major, String provisionalRoute, long now) {
        this.name = name;
        this.identity = identity;
        this.major = major;
        this.provisionalRoute = provisionalRoute;
        this.holdUntil = now;
    }

    /**
     * When the window is over, starts the next one; requests still in flight may yet be counted
     * in it, so they are taken off its count.
     */
    void rollOver(long now) {
        if (limit >= 0 && resetKnown && now - resetAt >= 0) {
            generation++;
            remaining = limit - inflight;
            resetKnown = false;
        }
    }

    /**
     * Folds one answer's window into the bucket. {@code requestGeneration} is the window the
     * request was granted in; answers from an older window are stale.
     */
    void applyWindow(long requestGeneration, RateAnswer a, long now) {
        long resetAfter = RateLimiter.nanos(a.resetAfterSeconds());
        long newReset = now + resetAfter;
        if (limit < 0) {
            limit = a.limit();
            remaining = Math.min(a.remaining(), a.limit()) - inflight;
            resetAt = newReset;
            resetKnown = true;
            period = resetAfter;
            return;
        }
        limit = a.limit();
        if (requestGeneration != generation) {
            return;
        }
        if (!resetKnown) {
            resetAt = newReset;
            resetKnown = true;
            period = Math.max(period, resetAfter);
            remaining = Math.min(remaining, a.remaining());
        } else if (newReset - resetAt > tolerance()) {
            // The request landed in a window that opened after the one we were counting: start
            // over from the server's count, assuming everything still in flight lands there too.
            generation++;
            resetAt = newReset;
            remaining = a.remaining() - inflight;
            period = Math.max(period, resetAfter);
        } else {
            if (newReset - resetAt < 0) {
                resetAt = newReset;
            }
            remaining = Math.min(remaining, a.remaining());
        }
    }

    /**
     * When a window's first answers carried no usable headers and nothing is in flight any more,
     * nothing would ever tell the bucket when to refill: assume a whole window from now.
     */
    void guessResetIfIdle(long now) {
        if (limit >= 0 && !resetKnown && inflight == 0) {
            resetAt = now + (period > 0 ? period : DEFAULT_PERIOD_NANOS);
            resetKnown = true;
        }
    }

    /** Estimates of one window's end differ by network latency only; a new window by about a period. */
    private long tolerance() {
        return Math.max(period / 4, TimeUnit.MILLISECONDS.toNanos(1));
    }
}
