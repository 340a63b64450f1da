package io.attache.dav;

import io.attache.fs.Checksums;
import io.attache.fs.Drive;
import io.attache.fs.Entry;
import io.attache.fs.FsException;
import io.attache.fs.Upload;
import io.attache.fs.WriteResult;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PUT: the body streams straight into the chunk pipeline, whatever its framing (Content-Length,
 * or chunked with Finder's {@code X-Expected-Entity-Length}); the answer, 201 or 204, is sent only
 * after the new version is committed. A missing parent is a 409, and a body announced larger than
 * the quota a 507, before anything of the body is read (so {@code Expect: 100-continue} is never
 * answered with 100 for them).
 * macOS metadata files are stored like any file, or by configuration accepted and dropped.
 *
 * <p>Sync clients' ownCloud headers: {@code X-OC-Mtime} (seconds since 1970) sets the file's
 * modification time, acknowledged with {@code X-OC-MTime: accepted}; {@code OC-Checksum}
 * ({@code SHA1:<hex>}, {@code MD5:} or {@code SHA256:}) is verified against the bytes received
 * (400 and nothing stored when they differ) and kept, with SHA1 and MD5, for {@code oc:checksums}.
 */
final class PutHandler extends DavHandler {

    @Override
    public String[] getMethods() {
        return new String[]{"PUT"};
    }

    @Override
    void handle(DavExchange ex) throws FsException, DavException, IOException {
        if (ex.header("Content-Range") != null) {
            throw new DavException(400, "partial PUT with Content-Range is not supported");
        }
        if (ex.settings().dropMacMetadata() && isMacMetadata(ex)) {
            // Finder aborts a whole copy when one of these is refused, so accept it and keep nothing.
            ex.body().transferTo(OutputStream.nullOutputStream());
            ex.status(201);
            ex.contentLength(0);
            return;
        }
        Drive drive = ex.drive();
        Drive.UploadTarget target = drive.uploadTarget(ex.path());
        Entry current = target.current().orElse(null);
        if (current != null && current.folder()) {
            throw new DavException(405, ex.path() + " is a folder");
        }
        int condition = Conditions.evaluate(ex, current);
        if (condition != Conditions.PROCEED) {
            ex.sendText(condition, "precondition failed");
            return;
        }
        String checksum = ex.header("OC-Checksum");
        boolean conditional = ex.header("If-Match") != null || ex.header("If-None-Match") != null
                || ex.header("If-Unmodified-Since") != null;
        Upload upload = new Upload(ex.header("Content-Type"), ocMtime(ex.header("X-OC-Mtime")),
                checksum == null || checksum.isBlank() ? null : Checksums.parse(checksum), declaredLength(ex),
                !conditional ? null : current == null ? Upload.ABSENT : current.etag());
        WriteResult result = drive.upload(ex.path(), ex.body(), upload, target);
        if (upload.modified() != null) {
            ex.setHeader("X-OC-MTime", "accepted");
        }
        ex.setHeader("ETag", result.entry().etag());
        ex.status(result.created() ? 201 : 204);
        ex.contentLength(0);
    }

    /**
     * The length the client announced: Content-Length, or Finder's X-Expected-Entity-Length with
     * a chunked body; -1 when neither says. A body announced larger than the quota allows is
     * refused before any of it is read.
     */
    static long declaredLength(DavExchange ex) {
        long length = ex.servletRequest().getContentLengthLong();
        if (length >= 0) {
            return length;
        }
        String expected = ex.header("X-Expected-Entity-Length");
        try {
            return expected == null ? -1 : Math.max(-1, Long.parseLong(expected.trim()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The modification time an {@code X-OC-Mtime} header asks for: seconds since 1970, possibly
     * with a fraction (kept to the millisecond); null without the header.
     */
    static Instant ocMtime(String header) throws DavException {
        if (header == null) {
            return null;
        }
        Matcher m = SECONDS.matcher(header.trim());
        if (!m.matches()) {
            throw new DavException(400, "X-OC-Mtime must be seconds since 1970, like 1700000000, not '" + header + "'");
        }
        Instant seconds = Instant.ofEpochSecond(Long.parseLong(m.group(1)));
        String fraction = m.group(2) == null ? "" : m.group(2);
        return seconds.plusMillis(fraction.isEmpty() ? 0 : Long.parseLong((fraction + "00").substring(0, 3)));
    }

    /** Up to year 33658 and a fraction; no sign, no exponent. */
    private static final Pattern SECONDS = Pattern.compile("(\\d{1,12})(?:\\.(\\d{0,9}))?");

    /** AppleDouble companions ({@code ._name}) and Finder's folder settings ({@code .DS_Store}). */
    static boolean isMacMetadata(DavExchange ex) {
        if (ex.path().isRoot()) {
            return false;
        }
        String name = ex.path().name();
        return name.startsWith("._") || name.equals(".DS_Store");
    }
}
