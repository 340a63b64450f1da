package io.attache.fs;

import io.attache.meta.Database;
import io.attache.meta.Sessions;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Signed-in browsers of the web app. A session is a random 256-bit token, kept by the browser in
 * a cookie; the database keeps its SHA-256, the user and a second random token against
 * cross-site requests. Being in the database, a session is served by every node of a cluster and
 * outlives a restart. A session ends after {@link #IDLE_MILLIS} without use, {@link #MAX_AGE_MILLIS}
 * after sign-in, at sign-out, when its user is removed or their password is changed from the web
 * pages; a user keeps at most {@link #MAX_PER_USER}, the least recently used ending first, and
 * expired ones are swept at every sign-in, so the table stays bounded by the number of users.
 */
public final class WebSessions {

    public static final long IDLE_MILLIS = TimeUnit.HOURS.toMillis(12);
    public static final long MAX_AGE_MILLIS = TimeUnit.DAYS.toMillis(7);
    public static final int MAX_PER_USER = 64;
    /** Use is recorded at most this often per session: a page's requests do not each write. */
    static final long TOUCH_MILLIS = TimeUnit.MINUTES.toMillis(1);

    private final Database db;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public WebSessions(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** A live session: its user and its anti-forgery token. */
    public record Session(byte[] tokenHash, long userId, String userName, String csrfToken) {
    }

    /** Opens a session for {@code account}; returns the cookie's token, which is never shown again. */
    public String open(Account account) throws FsException {
        String token = SecretTokens.next(random);
        long now = clock.millis();
        FileService.inTransaction(db, c -> {
            Sessions.deleteExpired(c, now - IDLE_MILLIS, now - MAX_AGE_MILLIS);
            Sessions.trim(c, account.id(), MAX_PER_USER - 1);
            Sessions.insert(c, SecretTokens.hash(token), account.id(), SecretTokens.next(random), now);
            return null;
        }, true);
        return token;
    }

    /** The live session of this cookie's token; empty for none, an expired one, or a malformed token. */
    public Optional<Session> find(String token) throws FsException {
        if (!SecretTokens.wellFormed(token)) {
            return Optional.empty();
        }
        byte[] hash = SecretTokens.hash(token);
        long now = clock.millis();
        Optional<Sessions.Session> found = FileService.inTransaction(db, c -> Sessions.byHash(c, hash), false);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Sessions.Session s = found.get();
        if (now - s.lastUsedAt() > IDLE_MILLIS || now - s.createdAt() > MAX_AGE_MILLIS) {
            FileService.inTransaction(db, c -> Sessions.delete(c, hash), true);
            return Optional.empty();
        }
        if (now - s.lastUsedAt() > TOUCH_MILLIS) {
            try {
                db.writeRelaxed(c -> {
                    Sessions.touch(c, hash, now);
                    return null;
                });
            } catch (SQLException e) {
                throw new FsException.Unavailable("the metadata database failed: " + e.getMessage(), e);
            }
        }
        return Optional.of(new Session(hash, s.userId(), s.userName(), s.csrfToken()));
    }

    /** Ends one session (sign-out). */
    public void close(Session session) throws FsException {
        FileService.inTransaction(db, c -> Sessions.delete(c, session.tokenHash()), true);
    }

    /** Ends every session of the user called {@code userName}. */
    public void closeAllOf(String userName) throws FsException {
        FileService.inTransaction(db, c -> Sessions.deleteOfUser(c, userName), true);
    }

}
