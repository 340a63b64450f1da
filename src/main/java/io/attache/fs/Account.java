package io.attache.fs;

import io.attache.meta.User;

import java.time.Instant;

/**
 * A user as the rest of the server sees it: no password hash. {@code storedBytes} is what counts
 * toward the quota (content and dead properties); {@code removedAt} is set for an account that
 * was removed and waits for its files' trash retention.
 */
public record Account(long id, String name, Long quotaBytes, long storedBytes, boolean admin, Instant removedAt) {

    static Account of(User user) {
        return new Account(user.id(), user.name(), user.quotaBytes(), user.storedBytes(), user.admin(),
                user.removedAt() == null ? null : Instant.ofEpochMilli(user.removedAt()));
    }

    public boolean removed() {
        return removedAt != null;
    }
}
