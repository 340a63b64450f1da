package io.attache.fs;

import java.time.Instant;

/**
 * What a client says about content it uploads, besides the bytes.
 *
 * @param contentType the Content-Type it sent, or null
 * @param modified    the modification time it asks for (X-OC-Mtime), or null for the time of the upload
 * @param checksums   checksums the bytes must have (OC-Checksum), or null; with them, the server
 *                    computes and keeps SHA1 and MD5 too
 */
public record Upload(String contentType, Instant modified, Checksums checksums) {

    public static Upload of(String contentType) {
        return new Upload(contentType, null, null);
    }
}
