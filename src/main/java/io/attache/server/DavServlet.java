package io.attache.server;

import io.attache.dav.DavEngine;
import io.attache.dav.DavExchange;
import io.attache.fs.Account;
import io.attache.fs.DavPath;
import io.attache.fs.Drive;
import io.attache.fs.FileService;
import io.attache.fs.FsException;
import io.attache.fs.UserService;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The one servlet: refuses methods nobody handles, authenticates every request but OPTIONS with
 * HTTP Basic, and hands the request with the user's {@link Drive} to the {@link DavEngine}.
 */
final class DavServlet extends HttpServlet {

    private static final Logger log = LoggerFactory.getLogger(DavServlet.class);
    private static final String CHALLENGE = "Basic realm=\"Attache\", charset=\"UTF-8\"";
    /** Methods HTTP and WebDAV define that Attaché does not offer: 405 rather than 501. */
    private static final Set<String> KNOWN = Set.of("POST", "TRACE", "CONNECT", "PATCH",
            "REPORT", "ACL", "SEARCH", "MKCALENDAR", "VERSION-CONTROL", "CHECKIN", "CHECKOUT");

    private final transient DavEngine engine;
    private final transient FileService files;
    private final transient UserService users;
    private final String allow;

    DavServlet(DavEngine engine, FileService files, UserService users) {
        this.engine = engine;
        this.files = files;
        this.users = users;
        this.allow = String.join(", ", engine.methods());
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        String method = request.getMethod();
        if (!engine.methods().contains(method)) {
            response.setHeader("Allow", allow);
            response.sendError(KNOWN.contains(method) ? 405 : 501);
            return;
        }
        DavPath path;
        try {
            path = DavExchange.pathOf(request);
        } catch (FsException.BadRequest e) {
            refusePath(response, e.getMessage());
            return;
        }
        Drive drive = null;
        if (!"OPTIONS".equals(method)) {
            Optional<Account> user = authenticate(request, response);
            if (user.isEmpty()) {
                return;
            }
            drive = files.drive(user.get().id());
        }
        Throwable broken = engine.process(request, response, getServletContext(), drive, path);
        if (broken != null) {
            // The status line is gone; cutting the connection is the only honest way to fail now.
            throw new ServletException("response aborted: " + broken, broken);
        }
    }

    /** A request path that names no valid path: 400 with the reason as plain text. */
    private static void refusePath(HttpServletResponse response, String reason) throws IOException {
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(400);
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private Optional<Account> authenticate(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<BasicCredentials> credentials = BasicCredentials.parse(request.getHeader("Authorization"));
        if (credentials.isPresent()) {
            try {
                Optional<Account> user = users.authenticate(credentials.get().user(), credentials.get().password());
                if (user.isPresent()) {
                    return user;
                }
                log.info("Failed login for '{}' from {}", credentials.get().user(), request.getRemoteAddr());
            } catch (FsException e) {
                log.warn("Cannot check credentials: {}", e.getMessage());
                response.setHeader("Retry-After", "5");
                response.sendError(503, "cannot check credentials now");
                return Optional.empty();
            } finally {
                Arrays.fill(credentials.get().password(), '\0');
            }
        }
        response.setHeader("WWW-Authenticate", CHALLENGE);
        response.sendError(401);
        return Optional.empty();
    }
}
