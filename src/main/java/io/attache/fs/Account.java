package io.attache.fs;

import io.attache.meta.User;

/** A user as the rest of the server sees it: no password hash. */
public record Account(long id, String name, Long quotaBytes, long usedBytes, boolean admin) {

    static Account of(User user) {
        return new Account(user.id(), user.name(), user.quotaBytes(), user.usedBytes(), user.admin());
    }
}
