package io.attache.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection on a blocking socket, like wrk's: a request is written in
 * one piece and the whole response read, so a measured latency is the server's plus a few
 * microseconds. {@code java.net.http.HttpClient} adds hundreds of microseconds per request
 * (selector hand-offs), which would blur the difference between fast servers.
 *
 * <p>Reconnects when the server closed the connection (Apache ends one after 100 requests).
 * Understands Content-Length and chunked bodies; every read has a timeout.
 */
final class Http1Connection implements Closeable {

    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    static final int READ_TIMEOUT_MILLIS = 60_000;
    static final int MAX_HEADER_BYTES = 64 * 1024;

    /** A response: its status and its body. */
    record Response(int status, byte[] body) {
    }

    private final InetSocketAddress address;
    private final String hostHeader;
    private final String authorization;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean closeAfterResponse;

    Http1Connection(URI server, String authorization) {
        this.address = new InetSocketAddress(server.getHost(), server.getPort());
        this.hostHeader = server.getHost() + ":" + server.getPort();
        this.authorization = authorization;
    }

    /**
     * Sends one request ({@code extraHeaders} as "Name: value\r\n" lines) and reads the response.
     * A kept-alive connection the server closed in the meantime is replaced once.
     */
    Response exchange(String method, String path, String extraHeaders, byte[] body) throws IOException {
        boolean fresh = socket == null || closeAfterResponse;
        if (fresh) {
            reconnect();
        }
        try {
            return send(method, path, extraHeaders, body);
        } catch (EOFException | java.net.SocketException e) {
            if (fresh) {
                throw e;
            }
            reconnect();
            return send(method, path, extraHeaders, body);
        }
    }

    private Response send(String method, String path, String extraHeaders, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n");
        if (authorization != null) {
            head.append("Authorization: ").append(authorization).append("\r\n");
        }
        head.append(extraHeaders);
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
        return readResponse(method.equals("HEAD"));
    }

    private Response readResponse(boolean headRequest) throws IOException {
        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        long contentLength = -1;
        boolean chunked = false;
        closeAfterResponse = parts[0].equals("HTTP/1.0");
        int headerBytes = 0;
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            headerBytes += line.length();
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new IOException("response headers too large");
            }
            int colon = line.indexOf(':');
            String name = line.substring(0, Math.max(colon, 0)).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.contains("chunked");
                case "connection" -> closeAfterResponse |= value.contains("close");
                default -> { }
            }
        }
        if (status / 100 == 1) {
            return readResponse(headRequest);
        }
        byte[] body;
        if (headRequest || status == 204 || status == 304) {
            body = new byte[0];
        } else if (chunked) {
            body = readChunked();
        } else if (contentLength >= 0) {
            body = in.readNBytes(Math.toIntExact(contentLength));
            if (body.length != contentLength) {
                throw new EOFException("body ended after " + body.length + " of " + contentLength + " bytes");
            }
        } else {
            body = in.readAllBytes();
            closeAfterResponse = true;
        }
        return new Response(status, body);
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int chunk = 0; chunk < 1_000_000; chunk++) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
            if (size == 0) {
                for (String trailer = readLine(); !trailer.isEmpty(); trailer = readLine()) {
                    // trailers are not used
                }
                return body.toByteArray();
            }
            byte[] data = in.readNBytes(size);
            if (data.length != size) {
                throw new EOFException("chunk ended early");
            }
            body.write(data);
            readLine();
        }
        throw new IOException("more than a million chunks");
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int i = 0; i < MAX_HEADER_BYTES; i++) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) c);
        }
        throw new IOException("line too long");
    }

    private void reconnect() throws IOException {
        close();
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(address, CONNECT_TIMEOUT_MILLIS);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        closeAfterResponse = false;
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
