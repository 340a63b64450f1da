package io.attache.fs;

import java.time.Instant;

/**
 * An active write lock as WebDAV reports it in {@code lockdiscovery}.
 *
 * @param root      the locked resource (the lock's root; a depth-infinity lock also covers what is below)
 * @param ownerXml  the {@code DAV:owner} content the client gave, or null
 */
public record LockInfo(String token, DavPath root, boolean rootIsFolder, boolean infinite, boolean exclusive,
                       String ownerXml, long timeoutSeconds, Instant expires) {

    /** True when this lock covers the resource at {@code path}. */
    public boolean covers(DavPath path) {
        return root.equals(path) || (infinite && path.isSelfOrDescendantOf(root));
    }

    public String rootHref() {
        return root.encoded(rootIsFolder);
    }
}
