package io.attache.web;

import io.attache.fs.DavPath;
import io.attache.fs.Drive;
import io.attache.fs.Entry;
import io.attache.fs.FileService;
import io.attache.fs.FsException;
import io.attache.fs.ShareLinks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.Cookie;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A share link opened by anyone who has it, without signing in: {@code /s/<token>/...}. It reaches
 * only the shared file, or the shared folder and what is below it, read-only. A password-protected
 * link is unlocked once per browser: the unlock sets a cookie scoped to the link's path that names
 * an in-memory grant, so that a video element's range requests carry it. Unknown tokens and wrong
 * passwords count against the address ({@link AddressThrottle}). Bytes served count as the
 * owner's traffic.
 */
final class SharedAccess {

    private static final long GRANT_MILLIS = TimeUnit.HOURS.toMillis(12);
    private static final int MAX_GRANTS = 100_000;

    private final ShareLinks links;
    private final FileService files;
    private final AddressThrottle throttle;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final Counter bytesServed;
    private final Counter rangesFromStart;
    private final Counter rangesFromOffset;

    private record Grant(long linkId, long expiresAt) {
    }

    SharedAccess(ShareLinks links, FileService files, AddressThrottle throttle, Clock clock, MeterRegistry metrics) {
        this.links = links;
        this.files = files;
        this.throttle = throttle;
        this.clock = clock;
        this.bytesServed = Counter.builder("attache.share.bytes").baseUnit("bytes")
                .description("Bytes served through share links").register(metrics);
        this.rangesFromStart = Counter.builder("attache.share.range.requests").tag("from", "start")
                .description("Share-link downloads answered with one byte range (206), by where it starts; a range"
                        + " from an offset is a seek").register(metrics);
        this.rangesFromOffset = Counter.builder("attache.share.range.requests").tag("from", "offset")
                .description("Share-link downloads answered with one byte range (206), by where it starts; a range"
                        + " from an offset is a seek").register(metrics);
    }

    /** Handles {@code /s/<token>/<action>}; {@code action} is "" for the page itself. */
    void handle(Exchange ex, String token, String action, byte[] page) throws FsException, IOException, WebException {
        String address = ex.request.getRemoteAddr();
        long wait = throttle.retryAfterSeconds(address);
        if (wait > 0) {
            ex.response.setHeader("Retry-After", Long.toString(wait));
            throw new WebException(429, "too many failed attempts from this address; try again later");
        }
        Optional<ShareLinks.Shared> found = links.find(token);
        if (found.isEmpty()) {
            throttle.failed(address);
            throw new WebException(404, "this link does not exist or has expired");
        }
        ShareLinks.Shared shared = found.get();
        boolean unlocked = !shared.passwordProtected() || granted(ex, token, shared.linkId());
        switch (action) {
            case "" -> {
                ex.response.setContentType("text/html;charset=utf-8");
                ex.response.setHeader("Cache-Control", "no-store");
                ex.response.getOutputStream().write(page);
            }
            case "info" -> info(ex, shared, unlocked);
            case "unlock" -> unlock(ex, token, address);
            default -> {
                if (!unlocked) {
                    throw new WebException(401, "this link needs its password");
                }
                serve(ex, shared, action);
            }
        }
    }

    private void info(Exchange ex, ShareLinks.Shared shared, boolean unlocked) throws FsException, IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", shared.root().name());
        out.put("folder", shared.folder());
        out.put("needsPassword", !unlocked);
        if (unlocked) {
            Map<String, Object> entry = Views.entry(files.drive(shared.ownerId()).get(shared.root()));
            entry.put("path", "/");
            out.put("entry", entry);
        }
        ex.ok(out);
    }

    private void unlock(Exchange ex, String token, String address) throws FsException, IOException, WebException {
        if (!"POST".equals(ex.method())) {
            throw new WebException(405, "unlock with POST");
        }
        String password = Exchange.optText(ex.body(), "password");
        ShareLinks.Shared shared;
        try {
            shared = links.open(token, password == null ? null : password.toCharArray());
        } catch (FsException.Forbidden e) {
            throttle.failed(address);
            throw new WebException(403, "wrong password");
        }
        String grant = newGrant(shared.linkId());
        Cookie cookie = new Cookie(grantCookie(shared.linkId()), grant);
        cookie.setHttpOnly(true);
        cookie.setPath("/s/" + token + "/");
        cookie.setSecure(ex.request.isSecure());
        cookie.setAttribute("SameSite", "Lax");
        cookie.setMaxAge((int) TimeUnit.MILLISECONDS.toSeconds(GRANT_MILLIS));
        ex.response.addCookie(cookie);
        ex.ok(Map.of());
    }

    private void serve(Exchange ex, ShareLinks.Shared shared, String action) throws FsException, IOException, WebException {
        Drive drive = files.drive(shared.ownerId());
        DavPath path = inside(shared, ex.param("path"));
        long sent;
        switch (action) {
            case "list" -> {
                list(ex, drive, shared, path);
                return;
            }
            case "file" -> {
                sent = FileSender.send(ex.request, ex.response, drive.open(path), "1".equals(ex.param("inline")),
                        first -> (first == 0 ? rangesFromStart : rangesFromOffset).increment()).bytes();
            }
            case "zip" -> {
                Entry folder = drive.get(path);
                if (!folder.folder()) {
                    throw new FsException.NotAllowed("not a folder");
                }
                ex.response.setContentType("application/zip");
                ex.response.setHeader("X-Content-Type-Options", "nosniff");
                ex.response.setHeader("Content-Disposition", ContentSafety.disposition("attachment",
                        ZipSender.fileName(path, "shared")));
                sent = ZipSender.send(drive, folder, ex.response.getOutputStream());
            }
            default -> throw new WebException(404, "no such page");
        }
        bytesServed.increment(sent);
        links.served(shared.linkId(), sent);
    }

    private void list(Exchange ex, Drive drive, ShareLinks.Shared shared, DavPath path)
            throws FsException, IOException, WebException {
        Entry folder = drive.get(path);
        int limit = (int) Math.max(1, Math.min(FilesApi.MAX_PAGE, ex.longParam("limit", 500)));
        String after = ex.param("after");
        Drive.Page page = drive.list(folder, after == null || after.isEmpty() ? null : after, limit, false);
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Entry e : page.entries()) {
            entries.add(Views.entry(relative(e, shared.root())));
        }
        ex.ok(Map.of("folder", Views.entry(relative(folder, shared.root())), "entries", entries, "more", page.more()));
    }

    /**
     * The owner's path of {@code relative} (as the page names it, from the shared folder down).
     * A path is a list of checked names, so nothing here can climb above the shared folder.
     */
    private static DavPath inside(ShareLinks.Shared shared, String relative) throws FsException.BadRequest {
        DavPath path = shared.root();
        if (relative == null) {
            return path;
        }
        for (String name : DavPath.ofDecoded(relative).names()) {
            path = path.child(name);
        }
        if (!shared.folder() && !path.equals(shared.root())) {
            throw new FsException.BadRequest("a shared file has nothing inside");
        }
        return path;
    }

    /** The entry with its path as the share's visitor sees it: the shared folder is "/". */
    private static Entry relative(Entry e, DavPath root) throws FsException.BadRequest {
        DavPath path = DavPath.ROOT;
        for (String name : e.path().names().subList(root.depth(), e.path().depth())) {
            path = path.child(name);
        }
        return new Entry(e.id(), path, e.folder(), e.size(), e.etag(), e.storedContentType(), e.created(), e.modified(),
                e.checksums());
    }

    private boolean granted(Exchange ex, String token, long linkId) {
        Cookie[] cookies = ex.request.getCookies();
        if (cookies == null) {
            return false;
        }
        long now = clock.millis();
        for (Cookie c : cookies) {
            if (c.getName().equals(grantCookie(linkId))) {
                Grant g = grants.get(c.getValue());
                if (g != null && g.linkId == linkId && g.expiresAt > now) {
                    return true;
                }
            }
        }
        return false;
    }

    private String newGrant(long linkId) {
        long now = clock.millis();
        if (grants.size() >= MAX_GRANTS) {
            grants.values().removeIf(g -> g.expiresAt <= now);
            if (grants.size() >= MAX_GRANTS) {
                grants.clear();
            }
        }
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        grants.put(id, new Grant(linkId, now + GRANT_MILLIS));
        return id;
    }

    private static String grantCookie(long linkId) {
        return "attache_share_" + linkId;
    }
}
