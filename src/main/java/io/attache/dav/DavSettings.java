package io.attache.dav;

/**
 * WebDAV behaviour the operator can tune.
 *
 * @param maxXmlBodyBytes  largest PROPFIND / PROPPATCH / LOCK body accepted (beyond: 413)
 * @param propfindPageSize children fetched per database query while streaming a PROPFIND answer
 * @param defaultLockSeconds lock timeout when a LOCK names none
 * @param maxLockSeconds   the longest lock timeout granted (Infinite included)
 * @param dropMacMetadata  accept macOS's {@code ._*} and {@code .DS_Store} files without storing them
 * @param propfindInfinityLimit the most files and folders a PROPFIND with Depth: infinity answers
 *                         for (beyond: 403 {@code propfind-finite-depth}); 0 refuses every such request
 */
public record DavSettings(int maxXmlBodyBytes, int propfindPageSize, long defaultLockSeconds, long maxLockSeconds,
                          boolean dropMacMetadata, int propfindInfinityLimit) {

    public static final DavSettings DEFAULTS = new DavSettings(1 << 20, 1_000, 3600, 86_400, false, 100_000);

    public DavSettings {
        if (maxXmlBodyBytes < 1024 || propfindPageSize < 1 || defaultLockSeconds < 1 || maxLockSeconds < 1
                || propfindInfinityLimit < 0) {
            throw new IllegalArgumentException("maxXmlBodyBytes >= 1024, propfindPageSize >= 1, lock timeouts >= 1 s, "
                    + "propfindInfinityLimit >= 0");
        }
    }
}
