package io.attache.fs;

import io.attache.crypto.PasswordHash;
import io.attache.meta.Database;
import io.attache.meta.Locks;
import io.attache.meta.Node;
import io.attache.meta.Nodes;
import io.attache.meta.Trash;
import io.attache.meta.User;
import io.attache.meta.Users;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Accounts: creation, passwords, removal, and authentication. Argon2id makes every verification
 * deliberately slow, so a successful one is remembered for a few minutes as a keyed hash of the
 * password (never the password), and at most a few verifications run at once so that a flood of
 * wrong passwords cannot take every core.
 */
public final class UserService {

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final int MIN_PASSWORD_LENGTH = 8;
    private static final long CACHE_MILLIS = TimeUnit.MINUTES.toMillis(5);
    private static final int CACHE_LIMIT = 10_000;

    private final Database db;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec cacheKey;
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();
    private volatile AuthEvents events = AuthEvents.NONE;
    private final Semaphore verifications = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));

    public UserService(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
        byte[] key = new byte[32];
        random.nextBytes(key);
        this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
    }

    /** Where failed logins are counted (the server's /metrics). */
    public void reportTo(AuthEvents events) {
        this.events = events;
    }

    public AuthEvents events() {
        return events;
    }

    /** A remembered successful login: the password's keyed hash and the stored hash it matched. */
    private record Verified(byte[] passwordMac, String storedHash, long expiresAt) {
    }

    public Account add(String name, char[] password, Long quotaBytes) throws FsException {
        return add(name, password, quotaBytes, false);
    }

    /** Adds a user; an administrator may also manage the other users from the web pages. */
    public Account add(String name, char[] password, Long quotaBytes, boolean admin) throws FsException {
        checkName(name);
        checkPassword(password);
        String hash = PasswordHash.hash(password, random);
        long now = clock.millis();
        User created;
        try {
            created = db.write(c -> Users.byName(c, name).isPresent() ? null : Users.insert(c, name, hash, quotaBytes, admin, now));
        } catch (SQLException e) {
            throw new FsException.Unavailable("cannot add user " + name + ": " + e.getMessage(), e);
        } finally {
            forget(name);
        }
        if (created == null) {
            throw new FsException.AlreadyExists("user " + name + " already exists");
        }
        return Account.of(created);
    }

    public boolean exists(String name) throws FsException {
        return find(name).isPresent();
    }

    public Optional<Account> find(String name) throws FsException {
        return user(name).map(Account::of);
    }

    private Optional<User> user(String name) throws FsException {
        try {
            return db.read(c -> Users.byName(c, name));
        } catch (SQLException e) {
            throw new FsException.Unavailable("cannot read users: " + e.getMessage(), e);
        }
    }

    public List<Account> list() throws FsException {
        try {
            return db.read(Users::all).stream().map(Account::of).toList();
        } catch (SQLException e) {
            throw new FsException.Unavailable("cannot read users: " + e.getMessage(), e);
        }
    }

    public boolean setPassword(String name, char[] password) throws FsException {
        checkPassword(password);
        String hash = PasswordHash.hash(password, random);
        try {
            return db.write(c -> Users.setPasswordHash(c, name, hash));
        } catch (SQLException e) {
            throw new FsException.Unavailable("cannot change the password of " + name + ": " + e.getMessage(), e);
        } finally {
            forget(name);
        }
    }

    public boolean setQuota(String name, Long quotaBytes) throws FsException {
        try {
            return db.write(c -> Users.setQuota(c, name, quotaBytes));
        } catch (SQLException e) {
            throw new FsException.Unavailable("cannot set the quota of " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes a user and everything in their tree; the content goes to the delete queue.
     *
     * @return false when there is no such user
     */
    public boolean remove(String name) throws FsException {
        long now = clock.millis();
        try {
            return db.write(c -> {
                Optional<User> user = Users.byName(c, name);
                if (user.isEmpty()) {
                    return false;
                }
                long id = user.get().id();
                Locks.deleteAllOf(c, id);
                for (Trash.Item item : Trash.of(c, id)) {
                    Trash.delete(c, item.id());
                }
                Nodes.deleteTree(c, Nodes.root(c, id).orElseThrow(), now);
                Optional<Node> trashRoot = Nodes.existingTrashRoot(c, id);
                if (trashRoot.isPresent()) {
                    Nodes.deleteTree(c, trashRoot.get(), now);
                }
                Users.deleteRow(c, user.get().id());
                return true;
            });
        } catch (SQLException e) {
            throw new FsException.Unavailable("cannot remove user " + name + ": " + e.getMessage(), e);
        } finally {
            forget(name);
        }
    }

    /**
     * The user whose name and password these are, or empty. Reads the account on every call, so a
     * password changed or a user removed by another process takes effect at once.
     */
    public Optional<Account> authenticate(String name, char[] password) throws FsException {
        Optional<User> user = user(name);
        if (user.isEmpty()) {
            events.failedLogin();
            return Optional.empty();
        }
        String stored = user.get().passwordHash();
        byte[] mac = mac(name, password);
        Verified remembered = verified.get(name);
        long now = clock.millis();
        if (remembered != null && remembered.expiresAt > now && remembered.storedHash.equals(stored)
                && MessageDigest.isEqual(remembered.passwordMac, mac)) {
            return user.map(Account::of);
        }
        if (!verifySlowly(password, stored)) {
            events.failedLogin();
            return Optional.empty();
        }
        if (verified.size() >= CACHE_LIMIT) {
            verified.clear();
        }
        verified.put(name, new Verified(mac, stored, now + CACHE_MILLIS));
        return user.map(Account::of);
    }

    private boolean verifySlowly(char[] password, String stored) throws FsException {
        try {
            if (!verifications.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new FsException.Unavailable("too many logins at once", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FsException.Unavailable("interrupted", e);
        }
        try {
            return PasswordHash.verify(password, stored);
        } finally {
            verifications.release();
        }
    }

    private byte[] mac(String name, char[] password) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(cacheKey);
            hmac.update(name.getBytes(StandardCharsets.UTF_8));
            hmac.update((byte) 0);
            hmac.update(new String(password).getBytes(StandardCharsets.UTF_8));
            return hmac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing", e);
        }
    }

    private void forget(String name) {
        verified.remove(name);
    }

    private static void checkName(String name) throws FsException.BadRequest {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new FsException.BadRequest("a user name is 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
        }
    }

    private static void checkPassword(char[] password) throws FsException.BadRequest {
        if (password == null || password.length < MIN_PASSWORD_LENGTH) {
            throw new FsException.BadRequest("a password has at least " + MIN_PASSWORD_LENGTH + " characters");
        }
    }
}
