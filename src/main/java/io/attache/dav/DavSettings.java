package io.attache.dav;

/**
 * WebDAV behaviour the operator can tune.
 *
 * @param maxXmlBodyBytes  largest PROPFIND / PROPPATCH / LOCK body accepted (beyond: 413)
 * @param propfindPageSize children fetched per database query while streaming a PROPFIND answer
 */
public record DavSettings(int maxXmlBodyBytes, int propfindPageSize) {

    public static final DavSettings DEFAULTS = new DavSettings(1 << 20, 500);

    public DavSettings {
        if (maxXmlBodyBytes < 1024 || propfindPageSize < 1) {
            throw new IllegalArgumentException("maxXmlBodyBytes >= 1024 and propfindPageSize >= 1");
        }
    }
}
