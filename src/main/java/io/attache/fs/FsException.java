package io.attache.fs;

/**
 * A request the file system refuses, one subclass per outcome. The WebDAV layer maps each to one
 * HTTP status in one place; nothing else needs to know HTTP.
 */
public abstract class FsException extends Exception {

    protected FsException(String message) {
        super(message);
    }

    /** Nothing at the path. */
    public static final class NotFound extends FsException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** The request is malformed: an invalid name, path or value. */
    public static final class BadRequest extends FsException {
        public BadRequest(String message) {
            super(message);
        }
    }

    /** The parent folder is missing or is a file (409 Conflict in WebDAV). */
    public static final class Conflict extends FsException {
        public Conflict(String message) {
            super(message);
        }
    }

    /** Something already exists where a new folder was to be made. */
    public static final class AlreadyExists extends FsException {
        public AlreadyExists(String message) {
            super(message);
        }
    }

    /** The operation cannot apply to this kind of resource, e.g. writing content to a folder. */
    public static final class NotAllowed extends FsException {
        public NotAllowed(String message) {
            super(message);
        }
    }

    /** The operation is never allowed: copying a folder into itself, moving the root. */
    public static final class Forbidden extends FsException {
        public Forbidden(String message) {
            super(message);
        }
    }

    /** A precondition of the request failed: the destination exists and may not be overwritten. */
    public static final class PreconditionFailed extends FsException {
        public PreconditionFailed(String message) {
            super(message);
        }
    }

    /** The user's quota has no room for it. */
    public static final class InsufficientStorage extends FsException {
        public InsufficientStorage(String message) {
            super(message);
        }
    }

    /**
     * A lock protects the resource and the request did not submit its token, or a new lock
     * conflicts with one that exists (423 Locked).
     */
    public static final class Locked extends FsException {
        private final DavPath lockRoot;
        private final boolean rootIsFolder;

        public Locked(String message, DavPath lockRoot, boolean rootIsFolder) {
            super(message);
            this.lockRoot = lockRoot;
            this.rootIsFolder = rootIsFolder;
        }

        /** The href of the locked resource whose token was missing. */
        public String lockRootHref() {
            return lockRoot.encoded(rootIsFolder);
        }
    }

    /** The chunk store or the database failed; the request may succeed later. */
    public static final class Unavailable extends FsException {
        public Unavailable(String message, Throwable cause) {
            super(message);
            initCause(cause);
        }
    }
}
