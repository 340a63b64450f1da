package io.attache.web;

import io.attache.fs.Account;
import io.attache.fs.DavPath;
import io.attache.fs.FsException;
import io.attache.fs.LoginDefence;
import io.attache.fs.UserService;
import io.attache.fs.WebSessions;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * The web face's one servlet: the pages, the JSON API of the signed-in user, and share links.
 * Every request that changes something must come from the app's own origin ({@code Origin},
 * {@code Sec-Fetch-Site}) and, when signed in, carry the session's anti-forgery token in
 * {@code X-CSRF-Token}; a form or script on another site can send neither. Refusals map to HTTP
 * statuses in one place, {@link #statusOf}.
 */
final class WebServlet extends HttpServlet {

    private static final Logger log = LoggerFactory.getLogger(WebServlet.class);
    /** The session cookie (see {@link WebSessions}). */
    static final String COOKIE = "attache_session";
    /** The app's pages load only their own files, and are never framed by another site. */
    private static final String PAGE_POLICY = "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
            + "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final transient UserService users;
    private final transient WebSessions sessions;
    private final transient SignIn signIn;
    private final transient Assets assets;
    private final transient FilesApi filesApi;
    private final transient TrashApi trashApi;
    private final transient ShareApi shareApi;
    private final transient SharedAccess sharedAccess;
    private final transient TransfersApi transfersApi;
    private final transient AdminApi adminApi;

    WebServlet(UserService users, LoginDefence logins, WebSessions sessions, Assets assets, FilesApi filesApi,
               TrashApi trashApi, ShareApi shareApi, SharedAccess sharedAccess, TransfersApi transfersApi,
               AdminApi adminApi) {
        this.users = users;
        this.sessions = sessions;
        this.signIn = new SignIn(logins);
        this.assets = assets;
        this.filesApi = filesApi;
        this.trashApi = trashApi;
        this.shareApi = shareApi;
        this.sharedAccess = sharedAccess;
        this.transfersApi = transfersApi;
        this.adminApi = adminApi;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI();
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Content-Type-Options", "nosniff");
        Exchange ex = new Exchange(request, response, null);
        try {
            if (path.startsWith("/api/")) {
                api(request, response, path.substring(4));
            } else if (path.startsWith("/s/")) {
                share(ex, path.substring(3));
            } else if (path.equals("/") || path.equals("/index.html")) {
                page(request, response, "index.html");
            } else if (path.startsWith("/assets/") && assets.get(path.substring(8)) != null) {
                page(request, response, path.substring(8));
            } else {
                throw new WebException(404, "no such page");
            }
        } catch (WebException e) {
            if (e.retryAfter() != null) {
                response.setHeader("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
            }
            ex.error(e.status(), e.getMessage());
        } catch (FsException e) {
            if (e instanceof FsException.Unavailable) {
                log.warn("{} {} failed: {}", request.getMethod(), path, e.getMessage(), e.getCause());
                response.setHeader("Retry-After", "5");
            }
            ex.error(statusOf(e), e.getMessage());
        } catch (IOException e) {
            // the browser went away (a cancelled upload or download); nothing to answer
            log.debug("{} {} broke off: {}", request.getMethod(), path, e.toString());
            if (!response.isCommitted()) {
                ex.error(400, "the request broke off");
            }
        } catch (RuntimeException e) {
            log.error("{} {} failed", request.getMethod(), path, e);
            ex.error(500, "internal error");
        }
    }

    private void page(HttpServletRequest request, HttpServletResponse response, String name) throws IOException {
        Assets.Asset asset = assets.get(name);
        response.setHeader("Content-Security-Policy", PAGE_POLICY);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("ETag", asset.etag());
        response.setHeader("Cache-Control", "no-cache");
        if (asset.etag().equals(request.getHeader("If-None-Match"))) {
            response.setStatus(304);
            return;
        }
        response.setContentType(asset.type());
        response.setContentLength(asset.bytes().length);
        response.getOutputStream().write(asset.bytes());
    }

    private void share(Exchange ex, String rest) throws FsException, IOException, WebException {
        int slash = rest.indexOf('/');
        String token = slash < 0 ? rest : rest.substring(0, slash);
        String action = slash < 0 ? "" : rest.substring(slash + 1);
        if (!"GET".equals(ex.method()) && !"HEAD".equals(ex.method())) {
            // unlocking; a download may come from anywhere the link was pasted
            checkOrigin(ex.request);
        }
        if (action.isEmpty() && slash < 0) {
            // the page's relative requests need the trailing slash
            ex.response.sendRedirect("/s/" + token + "/");
            return;
        }
        ex.response.setHeader("X-Frame-Options", "DENY");
        if (action.isEmpty()) {
            ex.response.setHeader("Content-Security-Policy", PAGE_POLICY);
        }
        sharedAccess.handle(ex, token, action, assets.get("share.html").bytes());
    }

    private void api(HttpServletRequest request, HttpServletResponse response, String route)
            throws FsException, IOException, WebException {
        String method = request.getMethod();
        boolean change = !method.equals("GET") && !method.equals("HEAD");
        if (change) {
            checkOrigin(request);
        }
        if (route.equals("/login") && method.equals("POST")) {
            login(new Exchange(request, response, null));
            return;
        }
        WebSessions.Session session = sessions.find(cookie(request, COOKIE)).orElse(null);
        Optional<Account> account = session == null ? Optional.empty() : users.find(session.userName());
        if (account.isEmpty() || account.get().id() != session.userId()) {
            if (session != null) {
                sessions.close(session);
            }
            throw new WebException(401, "sign in first");
        }
        if (change && !sameToken(session.csrfToken(), request.getHeader("X-CSRF-Token"))) {
            throw new WebException(403, "missing or wrong anti-forgery token");
        }
        Exchange ex = new Exchange(request, response, session);
        if (route.startsWith("/admin/")) {
            if (!account.get().admin()) {
                throw new WebException(403, "for administrators only");
            }
            admin(ex, method + " " + route);
            return;
        }
        if (route.startsWith("/file/")) {
            DavPath path = DavPath.parse(route.substring(5));
            switch (method) {
                case "GET", "HEAD" -> filesApi.download(ex, path);
                case "PUT" -> filesApi.upload(ex, path);
                default -> throw new WebException(405, method + " is not allowed here");
            }
            return;
        }
        if (route.startsWith("/zip/") && method.equals("GET")) {
            filesApi.zip(ex, DavPath.parse(route.substring(4)));
            return;
        }
        switch (method + " " + route) {
            case "GET /session" -> ex.ok(Map.of("user", account.get().name(), "admin", account.get().admin(),
                    "csrf", session.csrfToken()));
            case "POST /logout" -> {
                sessions.close(session);
                response.addHeader("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
                ex.ok(Map.of());
            }
            case "GET /list" -> filesApi.list(ex);
            case "GET /search" -> filesApi.search(ex);
            case "GET /quota" -> filesApi.quota(ex);
            case "POST /mkdir" -> filesApi.mkdir(ex);
            case "POST /move" -> filesApi.move(ex);
            case "POST /delete" -> filesApi.delete(ex);
            case "GET /trash" -> trashApi.list(ex);
            case "POST /trash/restore" -> trashApi.restore(ex);
            case "POST /trash/delete" -> trashApi.delete(ex);
            case "POST /trash/empty" -> trashApi.empty(ex);
            case "GET /shares" -> shareApi.list(ex);
            case "POST /shares" -> shareApi.create(ex);
            case "POST /shares/revoke" -> shareApi.revoke(ex);
            case "GET /transfers" -> transfersApi.snapshot(ex);
            case "GET /transfers/events" -> transfersApi.events(ex);
            default -> throw new WebException(404, "no such API: " + method + " " + route);
        }
    }

    private void admin(Exchange ex, String route) throws FsException, IOException, WebException {
        switch (route) {
            case "GET /admin/users" -> adminApi.listUsers(ex);
            case "POST /admin/users" -> adminApi.addUser(ex);
            case "POST /admin/users/remove" -> adminApi.removeUser(ex);
            case "POST /admin/users/password" -> adminApi.setPassword(ex);
            case "POST /admin/users/quota" -> adminApi.setQuota(ex);
            case "GET /admin/status" -> adminApi.status(ex);
            case "GET /admin/errors" -> adminApi.errors(ex);
            default -> throw new WebException(404, "no such API: " + route);
        }
    }

    /** {@code POST /api/login {user, password}}: a session cookie for the app's origin only. */
    private void login(Exchange ex) throws FsException, IOException, WebException {
        var body = ex.body();
        String name = Exchange.text(body, "user");
        char[] password = Exchange.text(body, "password").toCharArray();
        Optional<Account> account = signIn.check(name, password, ex.request.getRemoteAddr());
        if (account.isEmpty()) {
            throw new WebException(401, "wrong user name or password");
        }
        String token = sessions.open(account.get());
        ex.response.addHeader("Set-Cookie", COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict"
                + (ex.request.isSecure() ? "; Secure" : ""));
        ex.ok(Map.of("user", account.get().name()));
    }

    /**
     * A change must come from this origin: browsers send {@code Origin} with every cross-origin
     * request and every POST/PUT, and {@code Sec-Fetch-Site} with every request they make.
     */
    private static void checkOrigin(HttpServletRequest request) throws WebException {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            throw new WebException(403, "cross-site request refused");
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !origin.equals(request.getScheme() + "://" + request.getHeader("Host"))) {
            throw new WebException(403, "cross-origin request refused");
        }
    }

    private static boolean sameToken(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }

    private static String cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (c.getName().equals(name)) {
                    return c.getValue();
                }
            }
        }
        return null;
    }

    /** The one mapping from file-system refusals to the web face's statuses. */
    static int statusOf(FsException e) {
        if (e instanceof FsException.NotFound) {
            return 404;
        } else if (e instanceof FsException.BadRequest) {
            return 400;
        } else if (e instanceof FsException.Conflict || e instanceof FsException.AlreadyExists) {
            return 409;
        } else if (e instanceof FsException.NotAllowed) {
            return 405;
        } else if (e instanceof FsException.Forbidden) {
            return 403;
        } else if (e instanceof FsException.PreconditionFailed) {
            return 412;
        } else if (e instanceof FsException.InsufficientStorage) {
            return 507;
        } else if (e instanceof FsException.Locked) {
            return 423;
        } else if (e instanceof FsException.Unavailable) {
            return 503;
        }
        return 500;
    }
}
