package io.attache.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} in the Prometheus text format. With a token, only requests bearing it
 * ({@code Authorization: Bearer <token>}) get the figures; without one (the admin-only metrics
 * address) everyone does.
 */
final class MetricsServlet extends HttpServlet {

    private final transient Supplier<String> scrape;
    private final byte[] token;

    MetricsServlet(Supplier<String> scrape, String token) {
        this.scrape = scrape;
        this.token = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (token != null) {
            String given = request.getHeader("Authorization");
            if (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
                response.setHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
                response.sendError(401);
                return;
            }
        }
        byte[] body = scrape.get().getBytes(StandardCharsets.UTF_8);
        response.setContentType("text/plain; version=0.0.4; charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
