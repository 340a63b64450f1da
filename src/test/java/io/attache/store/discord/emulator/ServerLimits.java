package io.attache.store.discord.emulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

/**
 * The emulator's side of rate limiting: fixed windows that open with the first request and last
 * one period (the window is charged when a request's headers arrive; an answer reports the time
 * left as of when it is sent), bucket hashes per route class, and the invalid-request count that
 * leads to a ban.
 */
final class ServerLimits {

    /**
     * The outcome of charging one request to a window. The reset is a point in time (on the
     * {@link System#nanoTime} clock): an answer tells how far away it is when the answer is sent,
     * which for an upload is a whole body transfer after the charge.
     */
    record Verdict(boolean allowed, int limit, int remaining, long resetAtNanos, String bucket) {
        long resetAfterNanos(long now) {
            return Math.max(0, resetAtNanos - now);
        }
    }

    private static final class Window {
        long start;
        int count;
    }

    private final Map<String, Window> windows = new HashMap<>();
    private final Map<RouteClass, String> hashes = new EnumMap<>(RouteClass.class);
    private final Deque<Long> invalid = new ArrayDeque<>();
    private final Random random;
    private long bannedUntil = Long.MIN_VALUE;
    private boolean banned;

    ServerLimits(long seed) {
        this.random = new Random(seed);
        for (RouteClass route : RouteClass.values()) {
            hashes.put(route, newHash());
        }
        // Like Discord, a few routes share a bucket.
        hashes.put(RouteClass.WEBHOOK_MESSAGE_GET, hashes.get(RouteClass.WEBHOOK_GET));
    }

    synchronized String hash(RouteClass route) {
        return hashes.get(route);
    }

    /** The route moves to a new bucket hash; its old windows stop counting. */
    synchronized void rotateHash(RouteClass route) {
        hashes.put(route, newHash());
    }

    /** Charges a request to the window {@code key} if it has room. */
    synchronized Verdict charge(String key, Limit limit, String bucket, long now) {
        Window w = windows.computeIfAbsent(key, k -> new Window());
        long period = limit.period().toNanos();
        if (w.count == 0 || now - (w.start + period) >= 0) {
            w.start = now;
            w.count = 0;
        }
        long resetAt = w.start + period;
        if (w.count >= limit.count()) {
            return new Verdict(false, limit.count(), 0, resetAt, bucket);
        }
        w.count++;
        return new Verdict(true, limit.count(), limit.count() - w.count, resetAt, bucket);
    }

    /** The state of a window without charging it, for a fault's headers. */
    synchronized Verdict peek(String key, Limit limit, String bucket, long now) {
        Window w = windows.get(key);
        long period = limit.period().toNanos();
        if (w == null || w.count == 0 || now - (w.start + period) >= 0) {
            return new Verdict(true, limit.count(), limit.count(), now + period, bucket);
        }
        return new Verdict(true, limit.count(), limit.count() - w.count, w.start + period, bucket);
    }

    /** Records a 401, 403 or non-shared 429; bans the (only) client IP past the threshold. */
    synchronized void recordInvalid(long now, int threshold, long windowNanos, long banNanos) {
        invalid.addLast(now);
        while (!invalid.isEmpty() && now - invalid.peekFirst() >= windowNanos) {
            invalid.removeFirst();
        }
        if (invalid.size() >= threshold) {
            banned = true;
            bannedUntil = now + banNanos;
            invalid.clear();
        }
    }

    synchronized boolean isBanned(long now) {
        if (banned && now - bannedUntil >= 0) {
            banned = false;
        }
        return banned;
    }

    synchronized long banRemainingNanos(long now) {
        return banned ? Math.max(0, bannedUntil - now) : 0;
    }

    private String newHash() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
