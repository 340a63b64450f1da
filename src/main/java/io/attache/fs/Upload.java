package io.attache.fs;

import java.time.Instant;

/**
 * What a client says about content it uploads, besides the bytes.
 *
 * @param contentType the Content-Type it sent, or null
 * @param modified    the modification time it asks for (X-OC-Mtime), or null for the time of the upload
 * @param checksums   checksums the bytes must have (OC-Checksum), or null; with them, the server
 *                    computes and keeps SHA1 and MD5 too
 * @param length      the length the client declared (Content-Length, or Finder's
 *                    X-Expected-Entity-Length), or -1: staging reserves only the room it needs
 * @param onlyIf      the entity tag the file had when the request's conditions (If-Match,
 *                    If-None-Match, If-Unmodified-Since) were found to hold, or {@link #ABSENT}:
 *                    the version commits only if the file is still so, checked in the commit's own
 *                    transaction, so that of two conditional PUTs racing on any nodes one wins and
 *                    the other gets 412; null for a PUT without conditions
 */
public record Upload(String contentType, Instant modified, Checksums checksums, long length, String onlyIf) {

    /** {@link #onlyIf} for a file that did not exist. */
    public static final String ABSENT = "";

    public Upload(String contentType, Instant modified, Checksums checksums, long length) {
        this(contentType, modified, checksums, length, null);
    }

    public Upload(String contentType, Instant modified, Checksums checksums) {
        this(contentType, modified, checksums, -1);
    }

    public static Upload of(String contentType) {
        return new Upload(contentType, null, null);
    }
}
