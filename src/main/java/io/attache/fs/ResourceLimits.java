package io.attache.fs;

/**
 * What one user may hold besides content bytes (which the quota bounds): entries, dead
 * properties and locks. A request that would go beyond one is refused with
 * {@link FsException.InsufficientStorage} naming the limit, and changes nothing.
 *
 * @param maxEntriesPerUser           files and folders of one user, trash included
 * @param maxPropertiesPerResource    dead properties of one file or folder
 * @param maxPropertyBytesPerResource their bytes (namespace, name and value in UTF-8)
 * @param maxPropertiesPerUser        dead properties of one user
 * @param maxPropertyBytesPerUser     their bytes; they also count toward the user's quota
 * @param maxLocksPerResource         live locks on one resource
 * @param maxLocksPerUser             live locks of one user
 */
public record ResourceLimits(long maxEntriesPerUser, int maxPropertiesPerResource, long maxPropertyBytesPerResource,
                             long maxPropertiesPerUser, long maxPropertyBytesPerUser, int maxLocksPerResource,
                             int maxLocksPerUser) {

    /** The configuration's defaults, for tests and tools that build a file service by hand. */
    public static final ResourceLimits DEFAULTS = new ResourceLimits(1_000_000, 256, 64 << 10, 4_000_000, 256L << 20, 16, 1024);

    /**
     * Bytes of dead properties a listing reads per page at most (plus one entry's): a folder whose
     * children all carry the most properties allowed is listed in smaller pages, not held whole.
     */
    static final long LISTING_PROPERTY_BUDGET = 4L << 20;

    public ResourceLimits {
        if (maxEntriesPerUser < 1 || maxPropertiesPerResource < 1 || maxPropertyBytesPerResource < 1 || maxPropertiesPerUser < 1
                || maxPropertyBytesPerUser < 1 || maxLocksPerResource < 1 || maxLocksPerUser < 1) {
            throw new IllegalArgumentException("every limit is at least 1: " + this);
        }
    }
}
