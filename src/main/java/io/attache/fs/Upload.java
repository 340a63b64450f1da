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
 */
public record Upload(String contentType, Instant modified, Checksums checksums, long length) {

    public Upload(String contentType, Instant modified, Checksums checksums) {
        this(contentType, modified, checksums, -1);
    }

    public static Upload of(String contentType) {
        return new Upload(contentType, null, null);
    }
}
