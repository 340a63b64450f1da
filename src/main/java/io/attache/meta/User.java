package io.attache.meta;

/** An account: its own root folder, an Argon2id password hash, an optional quota. */
public record User(long id, String name, String passwordHash, Long quotaBytes, long usedBytes, long createdAt,
                   boolean admin) {

    @Override
    public String toString() {
        return "User[" + id + ", " + name + "]";
    }
}
