package io.attache.fs;

import io.attache.meta.LockRecord;
import io.attache.meta.Locks;
import io.attache.meta.Node;
import io.attache.pipeline.Content;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * WebDAV write locks on one user's tree (RFC 4918 section 6): discovery, LOCK, refresh and
 * UNLOCK. Enforcement is in {@link Drive}'s operations, through the same {@link LockTable}.
 */
public final class DriveLocks {

    private final Drive drive;
    private final FileService fs;
    private final long userId;
    private final LockTable locks;

    DriveLocks(Drive drive, FileService fs, long userId, LockTable locks) {
        this.drive = drive;
        this.fs = fs;
        this.userId = userId;
        this.locks = locks;
    }

    /** The outcome of a LOCK: the new lock, and whether the locked resource was created by it. */
    public record LockResult(LockInfo lock, boolean created) {
    }

    /** The live locks covering {@code path}: its own and depth-infinity locks on its ancestors. */
    public List<LockInfo> covering(DavPath path) throws FsException {
        long now = fs.now();
        return fs.read(c -> {
            List<LockInfo> out = new ArrayList<>();
            for (LockRecord lock : locks.covering(c, path, now)) {
                out.add(LockTable.info(lock));
            }
            return out;
        });
    }

    /**
     * The live locks that cover {@code path} or anything below it: enough to answer lock
     * discovery for a folder and all of its children with one query.
     */
    public List<LockInfo> around(DavPath path) throws FsException {
        long now = fs.now();
        return fs.read(c -> {
            List<LockInfo> out = new ArrayList<>();
            for (LockRecord lock : locks.covering(c, path, now)) {
                out.add(LockTable.info(lock));
            }
            for (LockRecord lock : locks.below(c, path, now)) {
                out.add(LockTable.info(lock));
            }
            return out;
        });
    }


    /**
     * Locks {@code path}. An unmapped path becomes an empty file (RFC 4918 section 7.3), which
     * needs the parent folder's lock tokens like any new member.
     */
    public LockResult lock(DavPath path, LockRequest request) throws FsException {
        long now = fs.now();
        Content empty = fs.writer().empty();
        return fs.write(c -> {
            Locks.purgeExpired(c, now);
            Optional<Node> node = drive.resolve(c, path);
            boolean created = node.isEmpty();
            if (created) {
                if (path.isRoot()) {
                    throw new FsException.Conflict("the root cannot be created");
                }
                Node parent = drive.parentFolder(c, path);
                locks.requireForMembership(c, path, now);
                drive.storeVersion(c, path, parent, Optional.empty(), empty, new Drive.Stored(null, now, null), now);
            }
            locks.requireCompatible(c, path, request, now);
            boolean folder = !created && node.get().isFolder();
            LockRecord lock = new LockRecord("opaquelocktoken:" + UUID.randomUUID(), userId, path.toString(), folder,
                    request.infinite() && folder, request.exclusive(), request.ownerXml(), request.timeoutSeconds(),
                    now + request.timeoutSeconds() * 1000);
            Locks.insert(c, lock, now);
            return new LockResult(LockTable.info(lock), created);
        });
    }

    /**
     * Renews the lock covering {@code path} whose token the request submitted.
     *
     * @throws FsException.PreconditionFailed when no submitted token names a lock covering the path
     */
    public LockInfo refresh(DavPath path, long timeoutSeconds) throws FsException {
        long now = fs.now();
        return fs.write(c -> {
            for (LockRecord lock : locks.covering(c, path, now)) {
                if (locks.submitted(lock.token())) {
                    long expires = now + timeoutSeconds * 1000;
                    Locks.refresh(c, lock.token(), timeoutSeconds, expires);
                    return LockTable.info(new LockRecord(lock.token(), lock.ownerId(), lock.path(), lock.collection(),
                            lock.infinite(), lock.exclusive(), lock.ownerXml(), timeoutSeconds, expires));
                }
            }
            throw new FsException.PreconditionFailed("no lock on " + path + " matches the submitted tokens");
        });
    }

    /**
     * Removes the lock {@code token}, which must cover {@code path}.
     *
     * @throws FsException.Conflict when no such lock covers the path
     */
    public void unlock(DavPath path, String token) throws FsException {
        long now = fs.now();
        fs.write(c -> {
            for (LockRecord lock : locks.covering(c, path, now)) {
                if (lock.token().equals(token)) {
                    Locks.delete(c, token);
                    return null;
                }
            }
            throw new FsException.Conflict("no lock " + token + " covers " + path);
        });
    }
}
