package io.attache.meta;

/** A stored write lock. {@code path} is the decoded path in the owner's tree ('/' for the root). */
public record LockRecord(String token, long ownerId, String path, boolean collection, boolean infinite,
                         boolean exclusive, String ownerXml, long timeoutSeconds, long expiresAt) {
}
