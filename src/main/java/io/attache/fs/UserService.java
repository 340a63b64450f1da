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
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Accounts: creation, passwords, removal, and the two halves of authentication. Argon2id makes
 * every verification deliberately slow, so a successful one is remembered for a few minutes as a
 * keyed hash of the password (never the password). {@link LoginDefence} decides who gets a
 * verification at all, and runs them on a small pool of their own.
 */
public final class UserService {

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final int MIN_PASSWORD_LENGTH = 8;
    private static final long CACHE_MILLIS = TimeUnit.MINUTES.toMillis(5);
    private static final int CACHE_LIMIT = 10_000;

    private final Database db;
    private final Clock clock;
    private final TrashBin trash;
    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec cacheKey;
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();
    private volatile AuthEvents events = AuthEvents.NONE;
    private volatile String standIn;

    public UserService(Database db, Clock clock, TrashBin trash) {
        this.db = db;
        this.clock = clock;
        this.trash = trash;
        byte[] key = new byte[32];
        random.nextBytes(key);
        this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
    }

    /** Where failed logins and bans are counted (the server's /metrics). */
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
        Optional<User> existing;
        try {
            existing = db.write(c -> {
                Optional<User> user = Users.byName(c, name);
                if (user.isEmpty()) {
                    Users.insert(c, name, hash, quotaBytes, admin, now);
                }
                return user;
            });
        } catch (SQLException e) {
            throw new FsException.Unavailable("cannot add user " + name + ": " + e.getMessage(), e);
        } finally {
            forget(name);
        }
        if (existing.isPresent()) {
            throw taken(Account.of(existing.get()));
        }
        return find(name).orElseThrow();
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

    /**
     * Sets a new password. A removed account becomes active again (its files stay in its trash,
     * to be restored with {@code attache trash restore}).
     *
     * @return false when there is no such user
     */
    public boolean setPassword(String name, char[] password) throws FsException {
        checkPassword(password);
        String hash = PasswordHash.hash(password, random);
        try {
            return db.write(c -> {
                Optional<User> user = Users.byName(c, name);
                if (user.isEmpty()) {
                    return false;
                }
                Users.setPasswordHash(c, name, hash);
                Users.setRemoved(c, user.get().id(), null);
                return true;
            });
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

    /** What {@link #remove} did. */
    public enum Removal {
        /** The login is disabled; the files wait in the trash until {@link #keptUntil}. */
        KEPT,
        /** The account and everything in it are deleted (asked for, or no trash is kept). */
        PURGED,
        NO_SUCH_USER
    }

    /**
     * Removes a user. The login is disabled at once. Unless {@code purge} (or the trash is off),
     * every top-level file and folder goes into the user's trash and stays restorable for the
     * trash retention, after which {@link #purgeRemoved} deletes the account; with {@code purge}
     * the account and everything in it are deleted now, the content to the delete queue.
     */
    public Removal remove(String name, boolean purge) throws FsException {
        long now = clock.millis();
        try {
            return db.write(c -> {
                Optional<User> user = Users.byName(c, name);
                if (user.isEmpty()) {
                    return Removal.NO_SUCH_USER;
                }
                if (purge || !trash.enabled()) {
                    deleteAccount(c, user.get(), now);
                    return Removal.PURGED;
                }
                if (!user.get().removed()) {
                    long id = user.get().id();
                    Users.setRemoved(c, id, now);
                    Locks.deleteAllOf(c, id);
                    Node root = Nodes.root(c, id).orElseThrow();
                    for (List<Node> page = Nodes.children(c, id, root.id(), null, 1000); !page.isEmpty();
                         page = Nodes.children(c, id, root.id(), null, 1000)) {
                        for (Node child : page) {
                            trash.put(c, id, Nodes.byId(c, child.id()).orElseThrow(), DavPath.ROOT.childTrusted(child.name()), now);
                        }
                    }
                }
                return Removal.KEPT;
            });
        } catch (SQLException e) {
            throw new FsException.Unavailable("cannot remove user " + name + ": " + e.getMessage(), e);
        } finally {
            forget(name);
        }
    }

    /** When a removed account is deleted for good: its removal plus the trash retention. */
    public Instant keptUntil(Account account) {
        return account.removedAt() == null ? null : account.removedAt().plus(trash.retention());
    }

    /**
     * Why {@code existing}'s name cannot be given to a new account. A removed account keeps its
     * name until it is deleted: its files must never reach a new person who gets the same name.
     */
    public FsException.AlreadyExists taken(Account existing) {
        String name = existing.name();
        if (!existing.removed()) {
            return new FsException.AlreadyExists("user " + name + " already exists");
        }
        return new FsException.AlreadyExists("user " + name + " was removed on " + day(existing.removedAt())
                + " and is kept until " + day(keptUntil(existing)) + " so that its files can be restored; "
                + "'attache user passwd " + name + "' makes it active again, 'attache user remove " + name
                + " --purge' deletes it now");
    }

    /** Deletes the accounts removed longer ago than the trash retention, with whatever they still hold. */
    public int purgeRemoved() throws FsException {
        long now = clock.millis();
        try {
            return db.write(c -> {
                List<User> due = Users.removedBefore(c, now - trash.retention().toMillis());
                for (User user : due) {
                    deleteAccount(c, user, now);
                }
                return due.size();
            });
        } catch (SQLException e) {
            throw new FsException.Unavailable("cannot delete removed accounts: " + e.getMessage(), e);
        }
    }

    private static void deleteAccount(Connection c, User user, long now) throws SQLException {
        long id = user.id();
        Locks.deleteAllOf(c, id);
        for (Trash.Item item : Trash.of(c, id)) {
            Trash.delete(c, item.id());
        }
        Nodes.deleteTree(c, Nodes.root(c, id).orElseThrow(), now);
        Optional<Node> trashRoot = Nodes.existingTrashRoot(c, id);
        if (trashRoot.isPresent()) {
            Nodes.deleteTree(c, trashRoot.get(), now);
        }
        Users.deleteRow(c, id);
    }

    private static String day(Instant instant) {
        return instant.toString().substring(0, 10);
    }

    /**
     * The account whose name and password these are, if this exact password was verified for it
     * in the last few minutes: cheap (a keyed hash and a database read, never Argon2id), so a
     * logged-in client's requests never wait behind anyone's password check. Empty means "not
     * known", not "wrong": then {@link #verifyLogin} decides. Reads the account on every call, so
     * a password changed or a user removed by another process takes effect at once.
     */
    public Optional<Account> cachedLogin(String name, char[] password) throws FsException {
        Verified remembered = verified.get(name);
        if (remembered == null || remembered.expiresAt <= clock.millis()) {
            return Optional.empty();
        }
        Optional<User> user = user(name);
        if (user.isEmpty() || user.get().removed() || !remembered.storedHash.equals(user.get().passwordHash())
                || !MessageDigest.isEqual(remembered.passwordMac, mac(name, password))) {
            return Optional.empty();
        }
        return user.map(Account::of);
    }

    /**
     * Checks the password with Argon2id: deliberately slow and memory-hard, so it runs only on a
     * small pool of its own (see {@link LoginDefence}). An unknown or removed user is checked
     * against a stand-in hash with the same parameters, so that the answer takes as long as for
     * a wrong password and user names cannot be told apart by timing. A success is remembered for
     * {@link #cachedLogin}.
     */
    public Optional<Account> verifyLogin(String name, char[] password) throws FsException {
        Optional<User> user = user(name);
        boolean real = user.isPresent() && !user.get().removed();
        String stored = real ? user.get().passwordHash() : standInHash();
        if (!PasswordHash.verify(password, stored) || !real) {
            events.failedLogin();
            return Optional.empty();
        }
        if (verified.size() >= CACHE_LIMIT) {
            verified.clear();
        }
        verified.put(name, new Verified(mac(name, password), stored, clock.millis() + CACHE_MILLIS));
        return user.map(Account::of);
    }

    /** A hash of a random password, made once, with the same cost as a real user's. */
    private String standInHash() {
        String hash = standIn;
        if (hash == null) {
            synchronized (this) {
                if (standIn == null) {
                    char[] nobody = new char[24];
                    for (int i = 0; i < nobody.length; i++) {
                        nobody[i] = (char) ('a' + random.nextInt(26));
                    }
                    standIn = PasswordHash.hash(nobody, random);
                }
                hash = standIn;
            }
        }
        return hash;
    }

    private byte[] mac(String name, char[] password) {
        Mac hmac = macs.get();
        hmac.update(name.getBytes(StandardCharsets.UTF_8));
        hmac.update((byte) 0);
        hmac.update(new String(password).getBytes(StandardCharsets.UTF_8));
        return hmac.doFinal(); // and ready for the next use, with the same key
    }

    /**
     * One keyed HMAC per thread: looking one up and keying it costs more than hashing a name and
     * a password, and every authenticated request needs one.
     */
    private Mac newMac() {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(cacheKey);
            return hmac;
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
