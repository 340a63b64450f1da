package io.attache.store.discord;

/**
 * The rate-limit facts of one answer, read from its headers and, for a 429, its body. Every field
 * but {@code status} may be missing (null), because Discord does not always send them.
 *
 * @param status            HTTP status
 * @param limit             {@code X-RateLimit-Limit}
 * @param remaining         {@code X-RateLimit-Remaining}
 * @param resetAfterSeconds {@code X-RateLimit-Reset-After}: relative, so immune to clock skew
 * @param bucket            {@code X-RateLimit-Bucket}, an opaque hash
 * @param scope             {@code X-RateLimit-Scope} on a 429: user, global or shared
 * @param global            {@code X-RateLimit-Global} or the body's {@code global}
 * @param retryAfterSeconds the body's {@code retry_after} (fractional), else {@code Retry-After}
 * @param cloudflareBan     a 429 that did not come from Discord's API but from the edge in front
 *                          of it (no {@code Via} header, no JSON body): the IP is banned
 */
record RateAnswer(int status, Integer limit, Integer remaining, Double resetAfterSeconds, String bucket,
                  String scope, boolean global, Double retryAfterSeconds, boolean cloudflareBan) {

    static RateAnswer ok(int status) {
        return new RateAnswer(status, null, null, null, null, null, false, null, false);
    }

    boolean hasWindow() {
        return limit != null && remaining != null && resetAfterSeconds != null;
    }

    boolean isRateLimited() {
        return status == 429;
    }

    /** 401, 403 and 429 other than {@code shared} count towards Discord's IP ban threshold. */
    boolean isInvalid() {
        return status == 401 || status == 403 || (status == 429 && !"shared".equals(scope));
    }

    boolean isGlobal() {
        return status == 429 && (global || "global".equals(scope));
    }

    boolean isShared() {
        return status == 429 && "shared".equals(scope);
    }
}
