package io.attache.store.discord;

import io.attache.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Decides when a request to Discord may be sent, following the algorithm Discord's mature client
 * libraries share: the bucket hash learned from {@code X-RateLimit-Bucket} per route and major
 * parameter, and buckets keyed by hash and major parameter; per bucket the remaining count and the reset time taken relative to the local
 * clock ({@code Reset-After}); a global gate per credential; 429 answers handled by scope; an
 * invalid-request breaker far below Discord's IP ban threshold; a jittered pause of a route after
 * a 5xx or network error. It never grants a request it knows would be limited.
 *
 * <p>Every request takes a {@link Ticket} ({@link #tryAcquire} or the blocking {@link #acquire})
 * and hands it back with the answer ({@link #complete}) or the failure ({@link #failed}).
 * Concurrent requests in one bucket are allowed up to the remaining count; a bucket whose limits
 * are not yet known lets one request through at a time. Time comes from an injectable nanosecond
 * clock, so every rule is unit-tested without sleeping.
 */
final class RateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
    /** How long a caller waiting for another request's answer sleeps before looking again. */
    static final long ANSWER_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** The permission to send one request; hand it back exactly once. */
    static final class Ticket {
        final Route route;
        final String identity;
        private final RateBucket bucket;
        private final long generation;
        private boolean done;

        private Ticket(Route route, String identity, RateBucket bucket, long generation) {
            this.route = route;
            this.identity = identity;
            this.bucket = bucket;
            this.generation = generation;
        }
    }

    /** Either a ticket, or how long to wait and why. */
    record Decision(Ticket ticket, long waitNanos, String reason) {
        boolean granted() {
            return ticket != null;
        }
    }

    /** What the limiter has seen, for tests and status output. */
    record Stats(int invalidInWindow, long rateLimited, long globalRateLimited, long sharedRateLimited,
                 long bans, long serverErrors) {
    }

    private static final class Gate {
        final SlidingWindow window;
        long blockedUntil;

        Gate(SlidingWindow window, long now) {
            this.window = window;
            this.blockedUntil = now;
        }
    }

    private final RateLimitSettings settings;
    private final LongSupplier clock;
    private final DoubleSupplier random;
    private final Map<String, String> hashes = new HashMap<>();
    private final Map<String, RateBucket> buckets = new HashMap<>();
    private final Map<String, Gate> gates = new HashMap<>();
    private final Map<String, SlidingWindow> webhookChannels = new HashMap<>();
    private final SlidingWindow invalid;
    private long bannedUntil;
    private boolean breakerOpen;
    private long rateLimited;
    private long globalRateLimited;
    private long sharedRateLimited;
    private long bans;
    private long serverErrors;
    private long waits;
    private long waitedNanos;

    RateLimiter(RateLimitSettings settings, LongSupplier nanoClock, DoubleSupplier random) {
        this.settings = settings;
        this.clock = nanoClock;
        this.random = random;
        this.invalid = new SlidingWindow(settings.invalidRequestBudget(), settings.invalidRequestWindow().toNanos());
        this.bannedUntil = nanoClock.getAsLong();
    }

    /**
     * Grants a ticket at once or says how long to wait. {@code webhookChannel} is the channel of a
     * webhook execution when known (webhooks of one channel share a limit), otherwise null.
     */
    synchronized Decision tryAcquire(Route route, String identity, String webhookChannel) {
        return evaluate(route, identity, webhookChannel, clock.getAsLong());
    }

    /**
     * Waits for a ticket. A wait longer than {@link RateLimitSettings#maxWait} is not started: the
     * call fails with {@link StoreException.RetryAfter} naming the delay, and nothing is sent.
     */
    Ticket acquire(Route route, String identity, String webhookChannel)
            throws StoreException.RetryAfter, InterruptedException {
        long start = clock.getAsLong();
        long maxWait = settings.maxWait().toNanos();
        synchronized (this) {
            while (true) {
                long now = clock.getAsLong();
                Decision d = evaluate(route, identity, webhookChannel, now);
                if (d.granted()) {
                    return d.ticket();
                }
                waits++;
                if (now - start + d.waitNanos() > maxWait) {
                    throw new StoreException.RetryAfter(route + " must wait "
                            + TimeUnit.NANOSECONDS.toMillis(d.waitNanos()) + " ms: " + d.reason(),
                            ceilMillis(d.waitNanos()));
                }
                TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, d.waitNanos()));
                waitedNanos += clock.getAsLong() - now;
            }
        }
    }

    /**
     * Sleeps until an answer changes the limiter's state or {@code nanos} pass, whichever comes
     * first: for a caller that found nothing free and will look again.
     */
    synchronized void awaitChange(long nanos) throws InterruptedException {
        TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, nanos));
    }

    long now() {
        return clock.getAsLong();
    }

    private Decision evaluate(Route route, String identity, String webhookChannel, long now) {
        if (bannedUntil - now > 0) {
            return waitFor(bannedUntil - now, "the IP is banned by Discord's edge");
        }
        if (invalid.waitNanos(now) > 0) {
            return waitFor(invalid.waitNanos(now), "invalid-request breaker: " + invalid.count(now)
                    + " answers 401/403/429 in " + settings.invalidRequestWindow().toMinutes() + " min");
        }
        Gate gate = gate(identity, now);
        if (gate.blockedUntil - now > 0) {
            return waitFor(gate.blockedUntil - now, "global rate limit of " + identity);
        }
        if (gate.window.waitNanos(now) > 0) {
            return waitFor(gate.window.waitNanos(now), settings.globalPerSecond() + " requests/s of " + identity);
        }
        SlidingWindow shared = webhookChannel == null ? null : webhookChannels.computeIfAbsent(webhookChannel,
                c -> new SlidingWindow(settings.webhookChannelLimit(),
                        settings.webhookChannelWindow().plus(settings.jitterMargin()).toNanos()));
        if (shared != null && shared.waitNanos(now) > 0) {
            return waitFor(shared.waitNanos(now), "webhook limit of channel " + webhookChannel);
        }
        RateBucket b = bucket(route, identity, now);
        if (b.holdUntil - now > 0) {
            return waitFor(b.holdUntil - now, "bucket " + b.name + " is paused");
        }
        if (b.limit < 0) {
            if (b.inflight > 0) {
                return waitFor(ANSWER_POLL_NANOS, "learning the limits of " + b.name);
            }
        } else {
            b.rollOver(now);
            if (b.remaining <= 0) {
                return b.resetKnown
                        ? waitFor(b.resetAt - now, "bucket " + b.name + " is exhausted")
                        : waitFor(ANSWER_POLL_NANOS, "bucket " + b.name + " awaits the answer that opens its window");
            }
        }
        if (b.limit >= 0) {
            b.remaining--;
        }
        b.inflight++;
        gate.window.add(now);
        if (shared != null) {
            shared.add(now);
        }
        return new Decision(new Ticket(route, identity, b, b.generation), 0, "granted");
    }

    /** Records the answer to a granted request. */
    synchronized void complete(Ticket ticket, RateAnswer answer) {
        if (ticket.done) {
            return;
        }
        ticket.done = true;
        long now = clock.getAsLong();
        ticket.bucket.inflight--;
        try {
            if (answer.cloudflareBan()) {
                ban(now, answer.retryAfterSeconds());
                return;
            }
            if (answer.isInvalid()) {
                countInvalid(now);
            }
            RateBucket target = learnBucket(ticket, answer, now);
            if (answer.isRateLimited()) {
                rateLimited(ticket, target, answer, now);
                return;
            }
            if (answer.hasWindow()) {
                target.applyWindow(target == ticket.bucket ? ticket.generation : target.generation, answer, now);
            } else if (answer.limit() != null) {
                target.limit = answer.limit();
                target.guessResetIfIdle(now);
            } else {
                target.guessResetIfIdle(now);
            }
            if (answer.status() >= 500) {
                serverErrors++;
                backoff(target, now);
            } else {
                target.failures = 0;
            }
        } finally {
            notifyAll();
        }
    }

    /** The request failed without an answer (connection refused, reset, timed out). */
    synchronized void failed(Ticket ticket) {
        if (ticket.done) {
            return;
        }
        ticket.done = true;
        long now = clock.getAsLong();
        ticket.bucket.inflight--;
        ticket.bucket.guessResetIfIdle(now);
        backoff(ticket.bucket, now);
        notifyAll();
    }

    /** The request was never sent (the caller was interrupted): the slot is given back. */
    synchronized void abandon(Ticket ticket) {
        if (ticket.done) {
            return;
        }
        ticket.done = true;
        RateBucket b = ticket.bucket;
        b.inflight--;
        if (b.limit >= 0 && ticket.generation == b.generation) {
            b.remaining++;
        }
        notifyAll();
    }

    /** How often a request had to wait for its turn, and for how long in all, since the start. */
    synchronized long[] waitStats() {
        return new long[]{waits, waitedNanos};
    }

    synchronized Stats stats() {
        return new Stats(invalid.count(clock.getAsLong()), rateLimited, globalRateLimited, sharedRateLimited,
                bans, serverErrors);
    }

    /**
     * Learns the route's bucket hash from an answer and returns the bucket the answer belongs to
     * from now on. The first hash of a route and major parameter re-keys every provisional bucket
     * of that route and major parameter (one per credential) under it, so that a bucket keeps its in-flight count
     * through the change; a changed hash starts a fresh bucket.
     */
    private RateBucket learnBucket(Ticket ticket, RateAnswer answer, long now) {
        String hash = answer.bucket();
        if (hash == null) {
            return ticket.bucket;
        }
        String previous = hashes.put(ticket.route.hashKey(), hash);
        if (previous == null) {
            adoptProvisional(ticket.route.hashKey(), hash);
        } else if (!previous.equals(hash)) {
            LOG.debug("Discord moved {} from bucket {} to {}", ticket.route, previous, hash);
        }
        String key = hashKey(ticket.identity, hash, ticket.route.major());
        RateBucket b = buckets.get(key);
        if (b == null) {
            b = previous == null || previous.equals(hash) ? ticket.bucket
                    : new RateBucket(key, ticket.identity, ticket.route.major(), null, now);
            buckets.put(key, b);
        }
        return b;
    }

    private void adoptProvisional(String route, String hash) {
        Map<String, RateBucket> adopted = new HashMap<>();
        for (java.util.Iterator<RateBucket> it = buckets.values().iterator(); it.hasNext(); ) {
            RateBucket b = it.next();
            if (route.equals(b.provisionalRoute)) {
                it.remove();
                b.provisionalRoute = null;
                adopted.put(hashKey(b.identity, hash, b.major), b);
            }
        }
        adopted.forEach(buckets::putIfAbsent);
    }

    private void rateLimited(Ticket ticket, RateBucket b, RateAnswer a, long now) {
        Double seconds = a.retryAfterSeconds() != null ? a.retryAfterSeconds() : a.resetAfterSeconds();
        long delay = nanos(seconds != null ? seconds : 1.0);
        if (a.isGlobal()) {
            globalRateLimited++;
            Gate gate = gate(ticket.identity, now);
            gate.blockedUntil = later(gate.blockedUntil, now + delay);
            LOG.warn("Discord's global rate limit hit {}: pausing it for {} ms", ticket.identity,
                    TimeUnit.NANOSECONDS.toMillis(delay));
            return;
        }
        b.holdUntil = later(b.holdUntil, now + delay);
        if (a.isShared()) {
            // A limit on the shared resource, not on us: wait, it costs no standing.
            sharedRateLimited++;
            return;
        }
        rateLimited++;
        if (a.limit() != null) {
            b.limit = a.limit();
        }
        b.remaining = 0;
        b.resetAt = b.resetKnown ? later(b.resetAt, now + delay) : now + delay;
        b.resetKnown = true;
        LOG.debug("429 on {} (scope {}), bucket {} paused for {} ms", ticket.route, a.scope(), b.name,
                TimeUnit.NANOSECONDS.toMillis(delay));
    }

    private void backoff(RateBucket b, long now) {
        b.failures++;
        long base = settings.backoffBase().toNanos();
        long step = base << Math.min(b.failures - 1, 20);
        step = Math.min(step < base ? Long.MAX_VALUE : step, settings.backoffMax().toNanos());
        long delay = step / 2 + (long) (step / 2 * random.getAsDouble());
        b.holdUntil = later(b.holdUntil, now + delay);
    }

    private void ban(long now, Double retryAfterSeconds) {
        bans++;
        long delay = retryAfterSeconds != null ? nanos(retryAfterSeconds) : settings.banPause().toNanos();
        bannedUntil = later(bannedUntil, now + delay);
        LOG.error("Discord's edge is refusing this IP (a Cloudflare ban after too many invalid requests):"
                + " sending nothing for {} s", TimeUnit.NANOSECONDS.toSeconds(delay));
    }

    private void countInvalid(long now) {
        invalid.add(now);
        boolean open = invalid.waitNanos(now) > 0;
        if (open && !breakerOpen) {
            LOG.warn("{} invalid requests (401/403/429) in the last {} min: pausing all Discord requests until"
                            + " the oldest ages out (Discord bans an IP at 10,000)", invalid.count(now),
                    settings.invalidRequestWindow().toMinutes());
        }
        breakerOpen = open;
    }

    private Gate gate(String identity, long now) {
        return gates.computeIfAbsent(identity, id -> new Gate(new SlidingWindow(settings.globalPerSecond(),
                TimeUnit.SECONDS.toNanos(1) + settings.jitterMargin().toNanos()), now));
    }

    private RateBucket bucket(Route route, String identity, long now) {
        String hash = hashes.get(route.hashKey());
        String key = hash != null ? hashKey(identity, hash, route.major()) : identity + " | " + route.hashKey();
        return buckets.computeIfAbsent(key, k -> new RateBucket(k, identity, route.major(),
                hash == null ? route.hashKey() : null, now));
    }

    private static String hashKey(String identity, String hash, String major) {
        return identity + " | hash " + hash + " | " + major;
    }

    private static Decision waitFor(long nanos, String reason) {
        return new Decision(null, Math.max(1, nanos), reason);
    }

    private static long later(long a, long b) {
        return a - b >= 0 ? a : b;
    }

    static long nanos(double seconds) {
        return (long) Math.ceil(Math.max(0, seconds) * 1e9);
    }

    private static long ceilMillis(long nanos) {
        return (nanos + 999_999) / 1_000_000;
    }
}
