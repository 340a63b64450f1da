package io.attache.web;

import io.attache.fs.Account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Signed-in browsers. A session is a random 256-bit token in an HttpOnly cookie; the server keeps
 * its SHA-256, the user and a second random token against cross-site requests, which the page
 * sends back in a header with every change. Sessions live in memory: a restart signs everyone out,
 * which costs one sign-in. They end after {@link #IDLE_MILLIS} without use or
 * {@link #MAX_AGE_MILLIS} after sign-in, when the user is removed (every request re-reads the
 * account), and when an administrator changes the user's password from the web pages.
 */
final class Sessions {

    static final String COOKIE = "attache_session";
    static final long IDLE_MILLIS = TimeUnit.HOURS.toMillis(12);
    static final long MAX_AGE_MILLIS = TimeUnit.DAYS.toMillis(7);
    private static final int MAX_SESSIONS = 10_000;

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> byHash = new ConcurrentHashMap<>();

    Sessions(Clock clock) {
        this.clock = clock;
    }

    /** One signed-in browser. */
    static final class Session {
        final String hash;
        final long userId;
        final String userName;
        final String csrfToken;
        final long createdAt;
        volatile long lastUsed;

        private Session(String hash, long userId, String userName, String csrfToken, long now) {
            this.hash = hash;
            this.userId = userId;
            this.userName = userName;
            this.csrfToken = csrfToken;
            this.createdAt = now;
            this.lastUsed = now;
        }
    }

    /** A new session for {@code account}; returns the cookie value, which is shown only once. */
    String open(Account account) {
        String token = randomToken();
        long now = clock.millis();
        if (byHash.size() >= MAX_SESSIONS) {
            expire(now);
            if (byHash.size() >= MAX_SESSIONS) {
                byHash.values().stream().min((a, b) -> Long.compare(a.lastUsed, b.lastUsed))
                        .ifPresent(oldest -> byHash.remove(oldest.hash));
            }
        }
        Session session = new Session(hash(token), account.id(), account.name(), randomToken(), now);
        byHash.put(session.hash, session);
        return token;
    }

    /** The live session of this cookie value, or null. */
    Session find(String token) {
        if (token == null || token.length() != 43) {
            return null;
        }
        Session session = byHash.get(hash(token));
        long now = clock.millis();
        if (session == null) {
            return null;
        }
        if (now - session.lastUsed > IDLE_MILLIS || now - session.createdAt > MAX_AGE_MILLIS) {
            byHash.remove(session.hash);
            return null;
        }
        session.lastUsed = now;
        return session;
    }

    void close(Session session) {
        byHash.remove(session.hash);
    }

    /** Ends every session of a user (removed, or signed out everywhere). */
    void closeAllOf(String userName) {
        byHash.values().removeIf(s -> s.userName.equals(userName));
    }

    private void expire(long now) {
        byHash.values().removeIf(s -> now - s.lastUsed > IDLE_MILLIS || now - s.createdAt > MAX_AGE_MILLIS);
    }

    private String randomToken() {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
