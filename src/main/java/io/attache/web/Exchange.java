package io.attache.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.attache.fs.DavPath;
import io.attache.fs.FsException;
import io.attache.fs.WebSessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * One request to the web face: the servlet request and response, the signed-in session (null
 * when there is none), and JSON in and out through Jackson.
 */
final class Exchange {

    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    /** JSON request bodies are small: names, paths, a password. */
    private static final int MAX_JSON_BODY = 64 * 1024;

    final HttpServletRequest request;
    final HttpServletResponse response;
    private final WebSessions.Session session;

    Exchange(HttpServletRequest request, HttpServletResponse response, WebSessions.Session session) {
        this.request = request;
        this.response = response;
        this.session = session;
    }

    String method() {
        return request.getMethod();
    }

    /** The signed-in session; {@link WebServlet} lets only signed-in requests reach the handlers that call this. */
    WebSessions.Session session() {
        if (session == null) {
            throw new IllegalStateException("no session");
        }
        return session;
    }

    String param(String name) {
        return request.getParameter(name);
    }

    long longParam(String name, long fallback) throws WebException {
        String value = param(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new WebException(400, name + " is not a number");
        }
    }

    /** A decoded path given as a parameter ("/a/b"); the root when absent. */
    DavPath pathParam(String name) throws FsException.BadRequest {
        String value = param(name);
        return value == null ? DavPath.ROOT : DavPath.ofDecoded(value);
    }

    /** The request body as a JSON object. */
    JsonNode body() throws WebException, IOException {
        InputStream in = request.getInputStream();
        byte[] bytes = in.readNBytes(MAX_JSON_BODY + 1);
        if (bytes.length > MAX_JSON_BODY) {
            throw new WebException(413, "request body too large");
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new WebException(400, "expected a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new WebException(400, "malformed JSON: " + e.getOriginalMessage());
        }
    }

    static String text(JsonNode body, String field) throws WebException {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual()) {
            throw new WebException(400, "\"" + field + "\" is missing");
        }
        return value.textValue();
    }

    static String optText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || !value.isTextual() || value.textValue().isEmpty() ? null : value.textValue();
    }

    void json(int status, Object value) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(value);
        response.setStatus(status);
        response.setContentType("application/json;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    void ok(Object value) throws IOException {
        json(200, value);
    }

    void error(int status, String message) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        String retryAfter = response.getHeader("Retry-After");
        response.reset();
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        if (retryAfter != null) {
            response.setHeader("Retry-After", retryAfter);
        }
        json(status, java.util.Map.of("error", message == null ? "error" : message));
    }

    /** The origin this request reached, e.g. {@code http://127.0.0.1:8081}. */
    String ownOrigin() {
        return request.getScheme() + "://" + request.getHeader("Host");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
