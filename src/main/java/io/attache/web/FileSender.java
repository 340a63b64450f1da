package io.attache.web;

import io.attache.fs.ByteRanges;
import io.attache.fs.Entry;
import io.attache.fs.OpenFile;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Sends a file to a browser: whole, or one byte range (a video seeking), with the entity tag,
 * {@code If-None-Match} and {@code If-Range}, and the content-safety headers. Several ranges in one
 * request are served whole: browsers do not ask for them, and WebDAV clients go through the WebDAV
 * face. Range parsing is the one WebDAV uses ({@link ByteRanges}).
 */
final class FileSender {

    private FileSender() {
    }

    /** What was sent: body bytes, and the first byte of a range answer (-1 for a whole file or nothing). */
    record Sent(long bytes, long rangeStart) {
        static final Sent NOTHING = new Sent(0, -1);
    }

    static Sent send(HttpServletRequest request, HttpServletResponse response, OpenFile file, boolean preview)
            throws IOException {
        return send(request, response, file, preview, first -> { });
    }

    /** As above; {@code beforeRange} hears where a range answer starts before its body is sent. */
    static Sent send(HttpServletRequest request, HttpServletResponse response, OpenFile file, boolean preview,
                     java.util.function.LongConsumer beforeRange) throws IOException {
        Entry entry = file.entry();
        long size = entry.size();
        response.setHeader("Accept-Ranges", "bytes");
        response.setHeader("ETag", entry.etag());
        response.setHeader("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(entry.modified().atOffset(ZoneOffset.UTC)));
        response.setHeader("Cache-Control", "private, no-cache");
        ContentSafety.apply(response, entry.contentType(), entry.name(), preview);
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null && entry.etag() != null && ifNoneMatch.contains(entry.etag())) {
            response.setStatus(304);
            return Sent.NOTHING;
        }
        String ifRange = request.getHeader("If-Range");
        ByteRanges.Result ranges = ifRange != null && !ifRange.trim().equals(entry.etag())
                ? ByteRanges.Result.IGNORE : ByteRanges.parse(request.getHeader("Range"), size);
        boolean head = "HEAD".equals(request.getMethod());
        if (ranges.unsatisfiable()) {
            response.setHeader("Content-Range", "bytes */" + size);
            response.setStatus(416);
            response.setContentLength(0);
            return Sent.NOTHING;
        }
        long first = 0;
        long length = size;
        boolean partial = ranges.ranges().size() == 1;
        if (partial) {
            ByteRanges.Range range = ranges.ranges().get(0);
            first = range.first();
            length = range.length();
            response.setStatus(206);
            response.setHeader("Content-Range", range.contentRange(size));
        } else {
            response.setStatus(200);
        }
        response.setContentType(entry.contentType());
        response.setContentLengthLong(length);
        if (head) {
            return Sent.NOTHING;
        }
        if (partial) {
            beforeRange.accept(first);
        }
        OutputStream out = response.getOutputStream();
        file.copyRange(first, length, out);
        return new Sent(length, partial ? first : -1);
    }
}
