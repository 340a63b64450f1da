package io.attache.dav;

import io.attache.fs.Entry;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The HTTP conditional headers (RFC 9110 section 13): If-Match, If-Unmodified-Since,
 * If-None-Match and If-Modified-Since, evaluated in the RFC's order against the resource as it is
 * now ({@code null} when it does not exist).
 */
final class Conditions {

    /** Proceed with the method. */
    static final int PROCEED = 0;

    private Conditions() {
    }

    /** @return {@link #PROCEED}, 304 or 412 */
    static int evaluate(DavExchange ex, Entry current) {
        boolean safe = "GET".equals(ex.method()) || "HEAD".equals(ex.method());
        String etag = current == null ? null : current.etag();
        String ifMatch = ex.header("If-Match");
        if (ifMatch != null) {
            if (current == null || !matches(ifMatch, etag, true)) {
                return 412;
            }
        } else {
            Instant unmodifiedSince = HttpDates.parseHttp(ex.header("If-Unmodified-Since"));
            if (unmodifiedSince != null && current != null && seconds(current.modified()).isAfter(unmodifiedSince)) {
                return 412;
            }
        }
        String ifNoneMatch = ex.header("If-None-Match");
        if (ifNoneMatch != null) {
            if (current != null && matches(ifNoneMatch, etag, false)) {
                return safe ? 304 : 412;
            }
        } else if (safe && current != null) {
            Instant modifiedSince = HttpDates.parseHttp(ex.header("If-Modified-Since"));
            if (modifiedSince != null && !seconds(current.modified()).isAfter(modifiedSince)) {
                return 304;
            }
        }
        return PROCEED;
    }

    /**
     * True when the list header ({@code *} or entity tags) matches {@code etag}. {@code *} matches
     * any existing resource, folders included; a resource without an entity tag matches no tag.
     */
    static boolean matches(String header, String etag, boolean strong) {
        String value = header.trim();
        if (value.equals("*")) {
            return true;
        }
        if (etag == null) {
            return false;
        }
        for (String candidate : value.split(",")) {
            String tag = candidate.trim();
            boolean weak = tag.startsWith("W/");
            if (weak) {
                if (strong) {
                    continue;
                }
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static Instant seconds(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS);
    }
}
