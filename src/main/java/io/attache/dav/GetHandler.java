package io.attache.dav;

import io.attache.fs.ByteRanges;
import io.attache.fs.Drive;
import io.attache.fs.Entry;
import io.attache.fs.FsException;
import io.attache.fs.OpenFile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * GET and HEAD. Files are served whole, as one range (206), or as several ranges in a
 * {@code multipart/byteranges} body; each range fetches and decrypts only the segments it needs.
 * Folders answer HEAD with 200 and GET with a small HTML index.
 */
final class GetHandler extends DavHandler {

    @Override
    public String[] getMethods() {
        return new String[]{"GET", "HEAD"};
    }

    @Override
    void handle(DavExchange ex) throws FsException, DavException, IOException {
        Drive drive = ex.drive();
        OpenFile file;
        try {
            file = drive.open(ex.path());
        } catch (FsException.NotAllowed folder) {
            FolderIndex.send(ex, drive, drive.get(ex.path()));
            return;
        }
        Entry entry = file.entry();
        ex.setHeader("Accept-Ranges", "bytes");
        ex.setHeader("ETag", entry.etag());
        ex.setHeader("Last-Modified", HttpDates.http(entry.modified()));
        int condition = Conditions.evaluate(ex, entry);
        if (condition != Conditions.PROCEED) {
            ex.status(condition);
            ex.contentLength(0);
            return;
        }
        ByteRanges.Result ranges = rangesToServe(ex, entry);
        boolean head = "HEAD".equals(ex.method());
        if (ranges.unsatisfiable()) {
            ex.setHeader("Content-Range", "bytes */" + entry.size());
            ex.sendText(416, "range not satisfiable for a file of " + entry.size() + " bytes");
        } else if (ranges.ignored()) {
            ex.status(200);
            ex.contentType(entry.contentType());
            ex.contentLength(entry.size());
            if (!head) {
                file.copyRange(0, entry.size(), ex.output());
            }
        } else if (ranges.ranges().size() == 1) {
            ByteRanges.Range range = ranges.ranges().get(0);
            ex.status(206);
            ex.contentType(entry.contentType());
            ex.setHeader("Content-Range", range.contentRange(entry.size()));
            ex.contentLength(range.length());
            if (!head) {
                file.copyRange(range.first(), range.length(), ex.output());
            }
        } else {
            sendMultipart(ex, file, entry, ranges.ranges(), head);
        }
    }

    /** The Range header applies only when If-Range, if present, names the current entity tag. */
    private static ByteRanges.Result rangesToServe(DavExchange ex, Entry entry) {
        String ifRange = ex.header("If-Range");
        if (ifRange != null && !ifRange.trim().equals(entry.etag())) {
            return ByteRanges.Result.IGNORE;
        }
        return ByteRanges.parse(ex.header("Range"), entry.size());
    }

    private static void sendMultipart(DavExchange ex, OpenFile file, Entry entry, List<ByteRanges.Range> ranges,
                                      boolean head) throws IOException {
        String boundary = UUID.randomUUID().toString().replace("-", "");
        long length = 0;
        for (ByteRanges.Range range : ranges) {
            length += partHeader(boundary, entry, range).length + range.length();
        }
        byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        length += end.length;
        ex.status(206);
        ex.contentType("multipart/byteranges; boundary=" + boundary);
        ex.contentLength(length);
        if (head) {
            return;
        }
        OutputStream out = ex.output();
        for (ByteRanges.Range range : ranges) {
            out.write(partHeader(boundary, entry, range));
            file.copyRange(range.first(), range.length(), out);
        }
        out.write(end);
    }

    private static byte[] partHeader(String boundary, Entry entry, ByteRanges.Range range) {
        return ("\r\n--" + boundary + "\r\nContent-Type: " + entry.contentType() + "\r\nContent-Range: "
                + range.contentRange(entry.size()) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
