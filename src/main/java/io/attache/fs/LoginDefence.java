package io.attache.fs;

import io.attache.meta.Database;
import io.attache.meta.LoginFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Every login of every front (WebDAV now, the web interface later) goes through here. In order:
 * <ol>
 *   <li>a banned client address, or a banned user name from an address that user has not
 *       logged in from lately, is refused ({@link Outcome.Banned}: 429) before any password is
 *       looked at, after a second's pause that slows a flood down;</li>
 *   <li>a password verified in the last few minutes is accepted at once: a logged-in client
 *       never waits behind anybody's Argon2id;</li>
 *   <li>otherwise the password is checked with Argon2id on a small pool of its own, at most a few
 *       different checks at a time per address (the same credentials sent on several connections
 *       at once share one check); a failure is counted (in the database, for the address and for
 *       the name) and answered after a delay that grows with the count, until a ban.</li>
 * </ol>
 * Nothing here blocks the caller's thread: the answer is a future, completed on the pool or
 * after the delay, so a flood of wrong passwords holds no request thread. Unknown users cost the
 * same as wrong passwords, and are counted the same.
 */
public final class LoginDefence implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LoginDefence.class);

    /** Logins of one address being checked or delayed at once; more are refused until one ends. */
    static final int MAX_PENDING_PER_ADDRESS = 4;
    /** Logins waiting for the pool; more get {@link Outcome.Busy}. */
    static final int MAX_QUEUED = 64;
    /**
     * How long a refusal of a banned or overeager address waits before it is sent (without a
     * thread): a flood that ignores Retry-After then costs the server hundreds of requests a
     * second instead of thousands, and leaves the accept queue to everybody else.
     */
    static final long REFUSAL_DELAY_MILLIS = 1_000;
    /** How long a ban read from the database is trusted before it is read again. */
    static final long BAN_CACHE_MILLIS = 1_000;
    /** How long an address a user logged in from exempts them from a ban on their name. */
    static final long KNOWN_ADDRESS_MILLIS = TimeUnit.HOURS.toMillis(1);
    private static final int KNOWN_ADDRESS_LIMIT = 10_000;

    /** What a login attempt comes to. */
    public sealed interface Outcome {
        record Accepted(Account account) implements Outcome {
        }

        /** Wrong password or unknown user. */
        record Refused() implements Outcome {
        }

        /** The address or user name is banned, or the address has too many logins under way (429). */
        record Banned(Duration retryAfter) implements Outcome {
        }

        /** No capacity to check a password now, or the database failed (503). */
        record Busy(Duration retryAfter) implements Outcome {
        }
    }

    private final UserService users;
    private final Database db;
    private final Clock clock;
    private final LoginPolicy policy;
    private final ThreadPoolExecutor verifiers;
    private final ScheduledExecutorService timer;
    private final ConcurrentHashMap<String, AtomicInteger> pending = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<Outcome>> verifying = new ConcurrentHashMap<>();
    private final SecretKeySpec fingerprintKey;
    private final java.util.concurrent.atomic.AtomicLong passwordChecks = new java.util.concurrent.atomic.AtomicLong();
    private final ConcurrentHashMap<String, Cached> bans = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Map<String, Long>> knownAddresses = new ConcurrentHashMap<>();

    private record Cached(LoginPolicy.State state, long readAt) {
    }

    /**
     * @param verifiers how many Argon2id checks run at once; fewer than the cores, so that a flood
     *                  of wrong passwords leaves CPU for serving
     */
    public LoginDefence(UserService users, Database db, Clock clock, LoginPolicy policy, int verifiers) {
        this.users = users;
        this.db = db;
        this.clock = clock;
        this.policy = policy;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.fingerprintKey = new SecretKeySpec(key, "HmacSHA256");
        AtomicInteger n = new AtomicInteger();
        this.verifiers = new ThreadPoolExecutor(verifiers, verifiers, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(MAX_QUEUED), r -> {
            Thread t = new Thread(r, "attache-login-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "attache-login-delay");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Decides whether {@code name} and {@code password}, sent from {@code address}, log in. The
     * password is copied; the caller may clear its own array as soon as this returns.
     */
    public CompletableFuture<Outcome> authenticate(String name, char[] password, String address) {
        long now = clock.millis();
        try {
            Duration banned = banned(LoginFailures.ADDRESS, address, now);
            if (banned == null && !known(name, address, now)) {
                banned = banned(LoginFailures.USER, name, now);
            }
            if (banned != null) {
                return later(new Outcome.Banned(banned));
            }
            Optional<Account> cached = users.cachedLogin(name, password);
            if (cached.isPresent()) {
                remember(name, address, now);
                return CompletableFuture.completedFuture(new Outcome.Accepted(cached.get()));
            }
        } catch (FsException e) {
            log.warn("Cannot check a login now: {}", e.getMessage());
            return CompletableFuture.completedFuture(new Outcome.Busy(Duration.ofSeconds(5)));
        }
        // A client that opens several connections at once sends the same credentials on each:
        // they share one check instead of queueing one each.
        String key = address + '\n' + name + '\n' + fingerprint(name, password);
        CompletableFuture<Outcome> shared = verifying.get(key);
        if (shared != null) {
            return shared.thenApply(o -> o);
        }
        AtomicInteger underWay = pending.computeIfAbsent(address, a -> new AtomicInteger());
        if (underWay.incrementAndGet() > MAX_PENDING_PER_ADDRESS) {
            release(address, underWay);
            return later(new Outcome.Banned(Duration.ofSeconds(1)));
        }
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        shared = verifying.putIfAbsent(key, result);
        if (shared != null) {
            release(address, underWay);
            return shared.thenApply(o -> o);
        }
        result.whenComplete((outcome, failure) -> {
            verifying.remove(key, result);
            release(address, underWay);
        });
        char[] copy = password.clone();
        try {
            verifiers.execute(() -> verify(name, copy, address, result));
        } catch (RejectedExecutionException e) {
            Arrays.fill(copy, '\0');
            result.complete(new Outcome.Busy(Duration.ofSeconds(2)));
        }
        return result;
    }

    private void verify(String name, char[] password, String address, CompletableFuture<Outcome> result) {
        try {
            passwordChecks.incrementAndGet();
            Optional<Account> account = users.verifyLogin(name, password);
            long now = clock.millis();
            if (account.isPresent()) {
                remember(name, address, now);
                result.complete(new Outcome.Accepted(account.get()));
                return;
            }
            Duration delay = recordFailure(name, address, now);
            if (delay.isZero()) {
                result.complete(new Outcome.Refused());
            } else {
                timer.schedule(() -> result.complete(new Outcome.Refused()), delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (FsException | RuntimeException e) {
            log.warn("Cannot check a login now: {}", ClientText.escape(e.toString()));
            result.complete(new Outcome.Busy(Duration.ofSeconds(5)));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Counts a failure for the address and the name; returns how long its answer waits. */
    private Duration recordFailure(String name, String address, long now) throws FsException {
        LoginPolicy.State[] after = FileService.inTransaction(db, c -> {
            LoginPolicy.State[] states = new LoginPolicy.State[2];
            String[] kinds = {LoginFailures.ADDRESS, LoginFailures.USER};
            String[] subjects = {address, name};
            int[] limits = {policy.banAfter(), policy.userBanAfter()};
            for (int i = 0; i < 2; i++) {
                LoginPolicy.State before = LoginFailures.get(c, kinds[i], subjects[i])
                        .map(r -> new LoginPolicy.State(r.failures(), r.firstAt(), r.bannedUntil())).orElse(null);
                states[i] = policy.afterFailure(before, now, limits[i]);
                LoginFailures.put(c, new LoginFailures.Row(kinds[i], subjects[i], states[i].failures(), states[i].firstAt(),
                        states[i].bannedUntil()));
                if (states[i].bannedAt(now) && (before == null || !before.bannedAt(now))) {
                    log.warn("Banned {} '{}' for {} after {} failed logins", kinds[i].equals(LoginFailures.ADDRESS)
                            ? "client address" : "user name", ClientText.escape(subjects[i]), policy.banTime(), states[i].failures());
                    users.events().banned();
                }
                bans.put(kinds[i] + ' ' + subjects[i], new Cached(states[i], now));
            }
            return states;
        }, true);
        log.info("Failed login for '{}' from {}", ClientText.escape(name), ClientText.escape(address));
        Duration a = policy.delay(after[0].failures());
        Duration b = policy.delay(after[1].failures());
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** How much longer {@code subject} is banned, or null; read from the database at most once a second. */
    private Duration banned(String kind, String subject, long now) throws FsException {
        String key = kind + ' ' + subject;
        Cached cached = bans.get(key);
        if (cached == null || now - cached.readAt() >= BAN_CACHE_MILLIS) {
            LoginPolicy.State state = FileService.inTransaction(db, c -> LoginFailures.get(c, kind, subject)
                    .map(r -> new LoginPolicy.State(r.failures(), r.firstAt(), r.bannedUntil())).orElse(null), false);
            if (bans.size() > KNOWN_ADDRESS_LIMIT) {
                bans.clear();
            }
            cached = new Cached(state, now);
            bans.put(key, cached);
        }
        LoginPolicy.State state = cached.state();
        return state != null && state.bannedAt(now) ? Duration.ofMillis(state.bannedUntil() - now) : null;
    }

    /**
     * Whether {@code name} logged in from {@code address} lately: a ban on a user name (someone
     * guessing from elsewhere) must not lock the real user out of the place they work from.
     */
    private boolean known(String name, String address, long now) {
        Map<String, Long> addresses = knownAddresses.get(name);
        Long until = addresses == null ? null : addresses.get(address);
        return until != null && until > now;
    }

    private void remember(String name, String address, long now) {
        if (knownAddresses.size() > KNOWN_ADDRESS_LIMIT) {
            knownAddresses.clear();
        }
        Map<String, Long> addresses = knownAddresses.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
        if (addresses.size() > 64) {
            addresses.clear();
        }
        addresses.put(address, now + KNOWN_ADDRESS_MILLIS);
    }

    private CompletableFuture<Outcome> later(Outcome outcome) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        timer.schedule(() -> result.complete(outcome), REFUSAL_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        return result;
    }

    /** A keyed hash of name and password: equal for equal credentials, useless to anyone else. */
    private String fingerprint(String name, char[] password) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(fingerprintKey);
            hmac.update(name.getBytes(StandardCharsets.UTF_8));
            hmac.update((byte) 0);
            hmac.update(StandardCharsets.UTF_8.encode(CharBuffer.wrap(password)));
            return HexFormat.of().formatHex(hmac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing", e);
        }
    }

    private void release(String address, AtomicInteger underWay) {
        if (underWay.decrementAndGet() <= 0) {
            pending.remove(address, underWay);
        }
    }

    /** Argon2id checks run since the start (for monitoring, and to show what a ban saves). */
    public long passwordChecks() {
        return passwordChecks.get();
    }

    /** Forgets counts older than the ban time; for the housekeeper. */
    public int forgetOldFailures() throws FsException {
        long now = clock.millis();
        try {
            return db.writeRelaxed(c -> LoginFailures.purge(c, now - policy.banTime().toMillis(), now));
        } catch (SQLException e) {
            throw new FsException.Unavailable("cannot forget old failed logins: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        verifiers.shutdownNow();
        timer.shutdownNow();
    }
}
