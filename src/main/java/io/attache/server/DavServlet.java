package io.attache.server;

import io.attache.dav.DavEngine;
import io.attache.dav.DavExchange;
import io.attache.fs.Account;
import io.attache.fs.DavPath;
import io.attache.fs.Drive;
import io.attache.fs.FileService;
import io.attache.fs.FsException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The one servlet: refuses methods nobody handles, and hands the request with the user's
 * {@link Drive} to the {@link DavEngine}. Authentication happened before, in the
 * {@link Gatekeeper}; every method but OPTIONS arrives with its {@link Account}.
 */
final class DavServlet extends HttpServlet {

    /** Methods HTTP and WebDAV define that Attaché does not offer: 405 rather than 501. */
    private static final Set<String> KNOWN = Set.of("POST", "TRACE", "CONNECT", "PATCH",
            "REPORT", "ACL", "SEARCH", "MKCALENDAR", "VERSION-CONTROL", "CHECKIN", "CHECKOUT");

    private final transient DavEngine engine;
    private final transient FileService files;
    private final String allow;

    DavServlet(DavEngine engine, FileService files) {
        this.engine = engine;
        this.files = files;
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
            if (!(request.getAttribute(Gatekeeper.ACCOUNT) instanceof Account account)) {
                throw new ServletException(method + " reached the servlet without authentication");
            }
            drive = files.drive(account.id());
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
}
