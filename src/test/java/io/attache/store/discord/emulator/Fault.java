package io.attache.store.discord.emulator;

/**
 * The faults of DISCORD.md, each switchable per test for a route class (or any), a number of times
 * or with a probability. Faults that are states rather than events (a revoked token, a deleted
 * channel, webhook or message, expired URLs through the clock, the size limit) are methods of
 * {@link DiscordEmulator}; bandwidth and latency are {@link EmulatorSettings}.
 */
public enum Fault {
    /** 429, scope user, Remaining 0: the route's bucket. */
    RATE_LIMIT_BUCKET,
    /** 429, scope global, {@code X-RateLimit-Global: true}. */
    RATE_LIMIT_GLOBAL,
    /** 429, scope shared: a limit on the resource, not on the caller. */
    RATE_LIMIT_SHARED,
    /** 429, scope user, while {@code X-RateLimit-Remaining} is still above 0 (a hidden sub-limit). */
    RATE_LIMIT_SUBLIMIT,
    /** The route moves to a new bucket hash (with fresh counts) from this request on. */
    CHANGE_BUCKET_HASH,
    /** The answer carries no {@code X-RateLimit-*} headers. */
    NO_RATE_LIMIT_HEADERS,
    /** Cloudflare's ban page: 429, HTML, no {@code Via} header. */
    CLOUDFLARE_BAN,
    STATUS_500,
    STATUS_502,
    STATUS_503,
    STATUS_504,
    /** Cloudflare's "a timeout occurred" (the origin may have done the work). */
    STATUS_524,
    /** The message is created, then the connection closes without an answer: an ambiguous success. */
    DROP_AFTER_CREATE,
    /** The message is created, and the answer lists {@code attachments: []}. */
    EMPTY_ATTACHMENTS,
    /** The CDN answers 404 as it does for an expired or tampered URL. */
    CDN_EXPIRED,
    /** The CDN ignores {@code Range} and sends the whole object with 200. */
    CDN_IGNORE_RANGE,
    /** The CDN promises the full length, sends half, and closes the connection. */
    CDN_TRUNCATE,
    /** The CDN flips one byte of what it sends. */
    CDN_CORRUPT,
    /** The CDN answers 206 for a range one byte later than asked, with a matching Content-Range. */
    CDN_WRONG_RANGE,
    /** The CDN sends a 200 whose Content-Length and body are one byte short of the object. */
    CDN_SHORT_BODY;

    public boolean isCdn() {
        return name().startsWith("CDN_");
    }
}
