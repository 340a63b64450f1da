package io.attache.fs;

import io.attache.meta.LockRecord;
import io.attache.meta.Locks;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The lock rules of RFC 4918 section 7 over one user's locks, inside the caller's transaction:
 * which locks cover a path, whether the request submitted their tokens, and whether a new lock
 * conflicts with existing ones. It is the token that unlocks, not the user: the same user in a
 * second session without the token is locked out.
 */
final class LockTable {

    private final long ownerId;
    private final Set<String> submitted;

    LockTable(long ownerId, Set<String> submitted) {
        this.ownerId = ownerId;
        this.submitted = submitted;
    }

    boolean submitted(String token) {
        return submitted.contains(token);
    }

    /** Locks on {@code path} itself and depth-infinity locks on its ancestors. */
    List<LockRecord> covering(Connection c, DavPath path, long now) throws SQLException {
        List<String> ancestors = new ArrayList<>();
        for (DavPath p = path; !p.isRoot(); ) {
            p = p.parent();
            ancestors.add(p.toString());
        }
        return Locks.covering(c, ownerId, path.toString(), ancestors, now);
    }

    List<LockRecord> below(Connection c, DavPath path, long now) throws SQLException {
        return Locks.below(c, ownerId, path.toString(), now);
    }

    /** Changing the content or properties of {@code path} needs the tokens of the locks covering it. */
    void requireForResource(Connection c, DavPath path, long now) throws SQLException, FsException.Locked {
        require(covering(c, path, now));
    }

    /**
     * Adding or removing {@code path} changes its parent's membership, which the parent's locks
     * protect (a depth-0 lock on a folder included).
     */
    void requireForMembership(Connection c, DavPath path, long now) throws SQLException, FsException.Locked {
        if (!path.isRoot()) {
            require(covering(c, path.parent(), now));
        }
    }

    /** Removing or replacing {@code path} with everything below it needs every lock in that tree. */
    void requireForTree(Connection c, DavPath path, long now) throws SQLException, FsException.Locked {
        requireForMembership(c, path, now);
        requireForResource(c, path, now);
        require(below(c, path, now));
    }

    /**
     * Refuses a new lock on {@code path} that conflicts with an existing one: an exclusive lock
     * conflicts with any other, a shared one with exclusive ones.
     */
    void requireCompatible(Connection c, DavPath path, LockRequest request, long now)
            throws SQLException, FsException.Locked {
        List<LockRecord> existing = new ArrayList<>(covering(c, path, now));
        if (request.infinite()) {
            existing.addAll(below(c, path, now));
        }
        for (LockRecord lock : existing) {
            if (lock.exclusive() || request.exclusive()) {
                throw locked(lock, "it is already locked");
            }
        }
    }

    private void require(List<LockRecord> locks) throws FsException.Locked {
        for (LockRecord lock : locks) {
            if (!submitted.contains(lock.token())) {
                throw locked(lock, "the request did not submit the lock token");
            }
        }
    }

    private static FsException.Locked locked(LockRecord lock, String why) {
        DavPath root = pathOf(lock.path());
        return new FsException.Locked(root + " is locked: " + why, root, lock.collection());
    }

    static DavPath pathOf(String stored) {
        try {
            return DavPath.ofDecoded(stored);
        } catch (FsException.BadRequest e) {
            throw new IllegalStateException("the lock table holds an invalid path: " + stored, e);
        }
    }

    static LockInfo info(LockRecord lock) {
        return new LockInfo(lock.token(), pathOf(lock.path()), lock.collection(), lock.infinite(), lock.exclusive(),
                lock.ownerXml(), lock.timeoutSeconds(), Instant.ofEpochMilli(lock.expiresAt()));
    }
}
