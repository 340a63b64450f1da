package io.attache.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.attache.fs.DavPath;
import io.attache.fs.Drive;
import io.attache.fs.Entry;
import io.attache.fs.FileService;
import io.attache.fs.FsException;
import io.attache.fs.Quota;
import io.attache.fs.WriteResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The signed-in user's files: listing in pages, upload, download, zip, new folder, rename and
 * move, delete (to the trash), search and quota. Everything goes through the user's
 * {@link Drive}, so the web face reaches exactly what WebDAV reaches.
 */
final class FilesApi {

    /** The most entries one listing request returns; the page asks for the next ones as it scrolls. */
    static final int MAX_PAGE = 2_000;
    private static final int SEARCH_HITS = 200;

    private final FileService files;

    FilesApi(FileService files) {
        this.files = files;
    }

    private Drive drive(Exchange ex) {
        return files.drive(ex.session().userId());
    }

    /** {@code GET /api/list?path=/a&after=name&limit=n}: one page of a folder, in name order. */
    void list(Exchange ex) throws FsException, IOException, WebException {
        Drive drive = drive(ex);
        Entry folder = drive.get(ex.pathParam("path"));
        int limit = (int) Math.max(1, Math.min(MAX_PAGE, ex.longParam("limit", 500)));
        String after = ex.param("after");
        Drive.Page page = drive.list(folder, after == null || after.isEmpty() ? null : after, limit, false);
        List<Map<String, Object>> entries = new ArrayList<>(page.entries().size());
        for (Entry e : page.entries()) {
            entries.add(Views.entry(e));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("folder", Views.entry(folder));
        out.put("entries", entries);
        out.put("more", page.more());
        ex.ok(out);
    }

    /**
     * {@code PUT /api/file/<path>[?parents=1]}: the body, streamed into the store as it arrives;
     * with {@code parents} missing folders are created first (a folder dropped on the page).
     */
    void upload(Exchange ex, DavPath path) throws FsException, IOException {
        Drive drive = drive(ex);
        if ("1".equals(ex.param("parents")) && !path.isRoot()) {
            makeFolders(drive, path.parent());
        }
        long expected = ex.request.getContentLengthLong();
        WriteResult result = drive.write(path, ex.request.getInputStream(), ex.request.getContentType(), expected);
        ex.json(result.created() ? 201 : 200, Views.entry(result.entry()));
    }

    /** {@code GET /api/file/<path>[?inline=1]}: a download, or the preview's source with {@code inline}. */
    void download(Exchange ex, DavPath path) throws FsException, IOException {
        FileSender.send(ex.request, ex.response, drive(ex).open(path), "1".equals(ex.param("inline")));
    }

    /** {@code GET /api/zip/<path>}: the folder as a zip, streamed. */
    void zip(Exchange ex, DavPath path) throws FsException, IOException {
        Drive drive = drive(ex);
        Entry folder = drive.get(path);
        if (!folder.folder()) {
            throw new FsException.NotAllowed(path + " is not a folder");
        }
        ex.response.setContentType("application/zip");
        ex.response.setHeader("X-Content-Type-Options", "nosniff");
        ex.response.setHeader("Content-Disposition", ContentSafety.disposition("attachment",
                ZipSender.fileName(path, "files")));
        ZipSender.send(drive, folder, ex.response.getOutputStream());
    }

    /** {@code POST /api/mkdir {path}}. */
    void mkdir(Exchange ex) throws FsException, IOException, WebException {
        JsonNode body = ex.body();
        ex.json(201, Views.entry(drive(ex).mkdir(DavPath.ofDecoded(Exchange.text(body, "path")))));
    }

    /** {@code POST /api/move {from, to}}: rename or move; an existing destination is not replaced. */
    void move(Exchange ex) throws FsException, IOException, WebException {
        JsonNode body = ex.body();
        DavPath from = DavPath.ofDecoded(Exchange.text(body, "from"));
        DavPath to = DavPath.ofDecoded(Exchange.text(body, "to"));
        Drive drive = drive(ex);
        if (drive.find(to).isPresent()) {
            throw new FsException.AlreadyExists(to + " already exists");
        }
        drive.move(from, to, false);
        ex.ok(Views.entry(drive.get(to)));
    }

    /** {@code POST /api/delete {paths: [...]}}: into the trash. */
    void delete(Exchange ex) throws FsException, IOException, WebException {
        JsonNode paths = ex.body().get("paths");
        if (paths == null || !paths.isArray() || paths.isEmpty() || paths.size() > 10_000) {
            throw new WebException(400, "\"paths\" must list 1 to 10,000 paths");
        }
        Drive drive = drive(ex);
        int deleted = 0;
        for (JsonNode p : paths) {
            if (!p.isTextual()) {
                throw new WebException(400, "a path is a string");
            }
            drive.delete(DavPath.ofDecoded(p.textValue()));
            deleted++;
        }
        ex.ok(Map.of("deleted", deleted));
    }

    /** {@code GET /api/search?q=text&cursor=n}: one bounded step; the page asks again while not done. */
    void search(Exchange ex) throws FsException, IOException, WebException {
        String q = ex.param("q");
        if (q == null || q.isBlank() || q.length() > 200) {
            throw new WebException(400, "search for 1 to 200 characters");
        }
        Drive.SearchPage page = drive(ex).search(q, ex.longParam("cursor", 0), SEARCH_HITS);
        List<Map<String, Object>> hits = new ArrayList<>();
        for (Entry e : page.hits()) {
            hits.add(Views.entry(e));
        }
        ex.ok(Map.of("hits", hits, "cursor", page.cursor(), "done", page.done()));
    }

    /** {@code GET /api/quota}. */
    void quota(Exchange ex) throws FsException, IOException {
        Quota q = drive(ex).quota();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("used", q.usedBytes());
        out.put("available", q.availableBytes());
        ex.ok(out);
    }

    /** Creates the folders of {@code path} that are missing. */
    static void makeFolders(Drive drive, DavPath path) throws FsException {
        DavPath current = DavPath.ROOT;
        for (String name : path.names()) {
            current = current.child(name);
            if (drive.find(current).isEmpty()) {
                try {
                    drive.mkdir(current);
                } catch (FsException.AlreadyExists raced) {
                    // another upload of the same folder made it first
                }
            }
        }
    }
}
