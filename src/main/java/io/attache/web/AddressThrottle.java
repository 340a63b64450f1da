package io.attache.web;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing from one address: after {@code budget} failures (an unknown share link, a
 * wrong share password) within {@code windowMillis}, that address is refused until the window has
 * passed since its first failure. A token has 256 bits, so guessing one is hopeless anyway; this
 * keeps a guesser from costing the server an Argon2id verification per attempt, and makes its
 * attempts visible. The table is bounded: when it is full, stale entries go, then all of them.
 */
final class AddressThrottle {

    private static final int MAX_ADDRESSES = 100_000;

    private final Clock clock;
    private final int budget;
    private final long windowMillis;
    private final Map<String, Window> failures = new ConcurrentHashMap<>();

    AddressThrottle(Clock clock, int budget, long windowMillis) {
        this.clock = clock;
        this.budget = budget;
        this.windowMillis = windowMillis;
    }

    private record Window(long startedAt, int count) {
    }

    /** Seconds until {@code address} may try again, 0 when it may now. */
    long retryAfterSeconds(String address) {
        Window w = failures.get(address);
        long now = clock.millis();
        if (w == null || now - w.startedAt >= windowMillis) {
            return 0;
        }
        return w.count >= budget ? Math.max(1, (w.startedAt + windowMillis - now + 999) / 1000) : 0;
    }

    void failed(String address) {
        long now = clock.millis();
        if (failures.size() >= MAX_ADDRESSES) {
            failures.values().removeIf(w -> now - w.startedAt >= windowMillis);
            if (failures.size() >= MAX_ADDRESSES) {
                failures.clear();
            }
        }
        failures.merge(address, new Window(now, 1),
                (old, one) -> now - old.startedAt >= windowMillis ? one : new Window(old.startedAt, old.count + 1));
    }
}
