package io.attache.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The web app's API as a page uses it: a session cookie, the anti-forgery token, JSON. */
final class WebClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    final String base;
    private final Map<String, String> cookies = new HashMap<>();
    String csrf;

    WebClient(String base) {
        this.base = base;
    }

    /** The same browser (its cookies and anti-forgery token) talking to {@code otherBase}: another node, or the same one restarted. */
    WebClient sameBrowserOn(String otherBase) {
        WebClient other = new WebClient(otherBase);
        other.cookies.putAll(cookies);
        other.csrf = csrf;
        return other;
    }

    /** Signs in; returns the status of the login answer. */
    int login(String user, String password) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = send("POST", "/api/login", json(Map.of("user", user, "password", password)), Map.of());
        if (r.statusCode() == 200) {
            csrf = json(get("/api/session")).get("csrf").asText();
        }
        return r.statusCode();
    }

    HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return send("GET", path, null, Map.of());
    }

    HttpResponse<byte[]> post(String path, Object body) throws IOException, InterruptedException {
        return send("POST", path, json(body), csrf == null ? Map.of() : Map.of("X-CSRF-Token", csrf));
    }

    HttpResponse<byte[]> put(String path, byte[] body, String type) throws IOException, InterruptedException {
        return send("PUT", path, body, Map.of("X-CSRF-Token", csrf, "Content-Type", type));
    }

    HttpResponse<byte[]> send(String method, String path, byte[] body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null && !headers.containsKey("Content-Type")) {
            b.header("Content-Type", "application/json");
        }
        headers.forEach(b::header);
        if (!cookies.isEmpty()) {
            b.header("Cookie", String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        for (String set : r.headers().allValues("Set-Cookie")) {
            String pair = set.split(";", 2)[0];
            int eq = pair.indexOf('=');
            cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return r;
    }

    static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return JSON.readTree(r.body());
    }

    static byte[] json(Object value) throws IOException {
        return JSON.writeValueAsBytes(value);
    }
}
