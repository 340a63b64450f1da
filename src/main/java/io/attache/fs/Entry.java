package io.attache.fs;

import java.time.Instant;

/**
 * A folder or file as the WebDAV layer sees it: where it is and what it looks like at one moment.
 *
 * @param etag strong entity tag of a file's content; null for folders
 */
public record Entry(long id, DavPath path, boolean folder, long size, String etag, String contentType,
                    Instant created, Instant modified) {

    public String name() {
        return path.isRoot() ? "" : path.name();
    }

    public String href() {
        return path.encoded(folder);
    }
}
