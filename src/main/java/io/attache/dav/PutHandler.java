package io.attache.dav;

import io.attache.fs.Drive;
import io.attache.fs.Entry;
import io.attache.fs.FsException;
import io.attache.fs.WriteResult;

import java.io.IOException;
import java.io.OutputStream;

/**
 * PUT: the body streams straight into the chunk pipeline, whatever its framing (Content-Length,
 * or chunked with Finder's {@code X-Expected-Entity-Length}); the answer, 201 or 204, is sent only
 * after the new version is committed. A missing parent is a 409, and a body announced larger than
 * the quota a 507, before anything of the body is read (so {@code Expect: 100-continue} is never
 * answered with 100 for them).
 * macOS metadata files are stored like any file, or by configuration accepted and dropped.
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
        Entry current = drive.find(ex.path()).orElse(null);
        if (current != null && current.folder()) {
            throw new DavException(405, ex.path() + " is a folder");
        }
        int condition = Conditions.evaluate(ex, current);
        if (condition != Conditions.PROCEED) {
            ex.sendText(condition, "precondition failed");
            return;
        }
        WriteResult result = drive.write(ex.path(), ex.body(), ex.header("Content-Type"), declaredLength(ex));
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
            return expected == null ? -1 : Long.parseLong(expected.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** AppleDouble companions ({@code ._name}) and Finder's folder settings ({@code .DS_Store}). */
    static boolean isMacMetadata(DavExchange ex) {
        if (ex.path().isRoot()) {
            return false;
        }
        String name = ex.path().name();
        return name.startsWith("._") || name.equals(".DS_Store");
    }
}
