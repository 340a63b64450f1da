package io.attache.dav;

/**
 * A WebDAV-level refusal with its HTTP status, for protocol errors that the file system never sees
 * (a malformed body, a bad header). {@code condition}, when set, is the RFC 4918 precondition
 * element sent in a {@code DAV:error} body.
 */
public final class DavException extends Exception {

    private final int status;
    private final String condition;

    public DavException(int status, String message) {
        this(status, message, null);
    }

    public DavException(int status, String message, String condition) {
        super(message);
        this.status = status;
        this.condition = condition;
    }

    public int status() {
        return status;
    }

    public String condition() {
        return condition;
    }
}
