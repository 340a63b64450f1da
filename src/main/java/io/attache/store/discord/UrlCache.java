package io.attache.store.discord;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signed CDN URLs by attachment id, each kept until its {@code ex} minus a margin. Bounded, least
 * recently used out first: losing an entry costs one API call to sign the URL again.
 */
final class UrlCache {

    /** A signed URL, when it stops working, and the attachment's size. */
    record Entry(URI url, long expiresAtMillis, long size) {
    }

    private final Clock clock;
    private final long marginMillis;
    private final int capacity;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);

    UrlCache(Clock clock, long marginMillis, int capacity) {
        this.clock = clock;
        this.marginMillis = marginMillis;
        this.capacity = capacity;
    }

    /** The URL if it will still work for longer than the margin, else null. */
    synchronized Entry fresh(String attachmentId) {
        Entry e = entries.get(attachmentId);
        return e != null && clock.millis() < e.expiresAtMillis() - marginMillis ? e : null;
    }

    /** The URL if it has at least {@code minMillis} left, however small the margin: after a refresh. */
    synchronized Entry valid(String attachmentId, long minMillis) {
        Entry e = entries.get(attachmentId);
        return e != null && clock.millis() < e.expiresAtMillis() - minMillis ? e : null;
    }

    synchronized Entry get(String attachmentId) {
        return entries.get(attachmentId);
    }

    /** Caches a URL; one without a readable {@code ex} is not cached (it could not be refreshed in time). */
    synchronized void put(String attachmentId, String url, long size) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return;
        }
        long expires = expiryMillis(uri);
        if (expires < 0) {
            entries.remove(attachmentId);
            return;
        }
        entries.put(attachmentId, new Entry(uri, expires, size));
        while (entries.size() > capacity) {
            Iterator<String> eldest = entries.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    synchronized void clear() {
        entries.clear();
    }

    synchronized void remove(String attachmentId) {
        entries.remove(attachmentId);
    }

    /**
     * {@code first} and up to {@code max - 1} other entries that are stale or will be within
     * another margin: one refresh call then serves the reads that would soon need one.
     */
    synchronized Map<String, Entry> refreshBatch(String first, int max) {
        Map<String, Entry> batch = new LinkedHashMap<>();
        Entry head = entries.get(first);
        if (head != null) {
            batch.put(first, head);
        }
        long soon = clock.millis() + marginMillis;
        List<String> keys = new ArrayList<>(entries.keySet());
        for (int i = keys.size() - 1; i >= 0 && batch.size() < max; i--) {
            Entry e = entries.get(keys.get(i));
            if (e != null && e.expiresAtMillis() - marginMillis < soon) {
                batch.putIfAbsent(keys.get(i), e);
            }
        }
        return batch;
    }

    /** Epoch milliseconds of the URL's {@code ex} query parameter (hex seconds), or -1. */
    static long expiryMillis(URI url) {
        String query = url.getRawQuery();
        if (query == null) {
            return -1;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("ex=")) {
                try {
                    return Long.parseLong(pair.substring(3), 16) * 1000;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
