package io.attache.store.discord;

import io.attache.store.StoreException;

import java.time.Clock;

/** What the parts of the Discord store share. */
record StoreContext(DiscordStoreConfig config, DiscordApi api, Lanes lanes, UrlCache urls, CdnReader cdn, Clock clock) {

    /** Deleting in bulk is refused for messages older than 14 days; keep an hour of margin for clock skew. */
    static final long BULK_DELETE_MAX_AGE_MILLIS = 14L * 24 * 3600 * 1000 - 3600 * 1000;

    boolean youngerThanBulkLimit(String messageId) {
        return clock.millis() - Snowflake.timestampMillis(messageId) < BULK_DELETE_MAX_AGE_MILLIS;
    }

    /**
     * A lane was just retired: the caller may try again if another lane is left, otherwise nothing
     * can be done and the exception says why.
     */
    StoreException laneLost(String what) {
        if (lanes.anyUsable()) {
            return new StoreException.Retryable(what + "; the next attempt uses another lane");
        }
        return new StoreException.Permanent(what + "; " + lanes.describeUnusable());
    }
}
