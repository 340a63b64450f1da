package io.attache.fs;

import java.time.Instant;

/**
 * A folder or file as the WebDAV layer sees it: where it is and what it looks like at one moment.
 *
 * @param etag              strong entity tag: of a file's content, or of everything in a folder's tree
 * @param storedContentType the type the client gave when it wrote the file, if it gave a specific one
 * @param checksums         a file's checksums in ownCloud's notation ({@code SHA1:<hex> MD5:<hex>}),
 *                          kept when its upload announced one; else null
 */
public record Entry(long id, DavPath path, boolean folder, long size, String etag, String storedContentType,
                    Instant created, Instant modified, String checksums) {

    /** The media type: what the client said when it was specific, else guessed from the name; null for folders. */
    public String contentType() {
        return folder ? null : ContentTypes.of(storedContentType, name());
    }

    public String name() {
        return path.isRoot() ? "" : path.name();
    }

    public String href() {
        return path.encoded(folder);
    }
}
