package io.attache.clients;

import io.attache.testing.RawHttp;
import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Replays a client's requests as they appear on the wire. A request is one text block: request
 * line, headers, and optionally a blank line followed by a text body. What every request of the
 * client carries anyway is added when the text does not have it: {@code Host}, the client's
 * {@code Authorization}, and {@code Content-Length} for a text body. Each request travels on its
 * own connection, so {@code Connection} is always {@code close} (a client's keep-alive header is
 * replaced): that also makes every request a separate session as far as locking is concerned.
 */
final class Wire {

    private final int port;
    private final String authorization;

    private Wire(int port, String authorization) {
        this.port = port;
        this.authorization = authorization;
    }

    /** Requests from {@code user}, whose password is {@link TestServer#PASSWORD}. */
    static Wire as(TestServer server, String user) {
        return new Wire(server.port(), TestServer.basic(user));
    }

    /** The same client before it has credentials. */
    Wire anonymous() {
        return new Wire(port, null);
    }

    /** The absolute URL of {@code path} on this server, as clients write it in a Destination or a tagged If header. */
    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Sends a request written as text: head, then optionally a blank line and the body. */
    Response send(String request) throws IOException {
        String text = request.replace("\r\n", "\n");
        int blank = text.indexOf("\n\n");
        if (blank < 0) {
            return send(text, null);
        }
        String body = text.substring(blank + 2);
        return send(text.substring(0, blank), body.isEmpty() ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code head} with a binary body, sent as given (already chunk-encoded if the head says so). */
    Response send(String head, byte[] body) throws IOException {
        List<String> lines = new ArrayList<>();
        boolean host = false;
        boolean auth = false;
        boolean framed = false;
        for (String line : head.strip().split("\n")) {
            String name = line.contains(":") ? line.substring(0, line.indexOf(':')).trim().toLowerCase(Locale.ROOT) : "";
            switch (name) {
                case "connection" -> {
                    continue;
                }
                case "host" -> host = true;
                case "authorization" -> auth = true;
                case "content-length", "transfer-encoding" -> framed = true;
                default -> {
                }
            }
            lines.add(line);
        }
        if (!host) {
            lines.add("Host: 127.0.0.1:" + port);
        }
        if (!auth && authorization != null) {
            lines.add("Authorization: " + authorization);
        }
        if (!framed && body != null) {
            lines.add("Content-Length: " + body.length);
        }
        lines.add("Connection: close");
        return RawHttp.exchange(port, String.join("\n", lines), body);
    }

    /** The value of a response's {@code Lock-Token} header without its angle brackets. */
    static String lockToken(Response response) {
        String header = response.header("Lock-Token");
        if (header == null) {
            throw new AssertionError("no Lock-Token header in the LOCK response: " + response);
        }
        String token = header.trim();
        if (!token.startsWith("<") || !token.endsWith(">")) {
            throw new AssertionError("Lock-Token must be a Coded-URL in angle brackets (RFC 4918 10.5): " + header);
        }
        return token.substring(1, token.length() - 1);
    }
}
