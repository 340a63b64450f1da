package io.attache.meta;

/**
 * An account: its own root folder, an Argon2id password hash, an optional quota, whether it may
 * administer the server, and what it holds: content bytes, entries (files and folders) and dead
 * properties. A removed account ({@code removedAt} set) cannot log in and waits for its files'
 * trash retention.
 */
public record User(long id, String name, String passwordHash, Long quotaBytes, long usedBytes, long createdAt,
                   boolean admin, long entryCount, long propertyCount, long propertyBytes, Long removedAt) {

    /** What counts toward the quota: content and dead properties. */
    public long storedBytes() {
        return usedBytes + propertyBytes;
    }

    public boolean removed() {
        return removedAt != null;
    }

    @Override
    public String toString() {
        return "User[" + id + ", " + name + "]";
    }
}
