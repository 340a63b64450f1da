package io.attache.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, so that tests can replay a client's exact bytes: requests are
 * written as text blocks (line ends become CRLF in the head, the body is sent as given), and the
 * response is read back as status, headers and body.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** A parsed response. Header names are case-insensitive. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : String.join(", ", values);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return status + " " + headers + "\n" + text();
        }
    }

    /**
     * Sends {@code head} (request line and headers, one per line, no trailing blank line needed)
     * followed by {@code body} bytes, and reads one response.
     */
    public static Response exchange(int port, String head, byte[] body) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            String normalized = head.strip().replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n\r\n";
            out.write(normalized.getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            boolean isHead = head.startsWith("HEAD ");
            return read(socket.getInputStream(), isHead);
        }
    }

    /** Opens a keep-alive connection from {@code localAddress} (e.g. 127.0.0.2, to look like another client). */
    public static Connection open(String localAddress, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(60_000);
            return new Connection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** One connection that several exchanges use in turn, as a keep-alive client does. */
    public static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;

        private Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new java.io.BufferedInputStream(socket.getInputStream());
        }

        public Socket socket() {
            return socket;
        }

        /** Sends {@code head} (and {@code body}, or nothing) and reads the response. */
        public Response exchange(String head, byte[] body) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write((head.strip().replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return RawHttp.read(in, head.startsWith("HEAD "));
        }

        /** Reads one more response (after a request written straight to {@link #socket()}). */
        public Response read() throws IOException {
            return RawHttp.read(in, false);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    public static Response exchange(int port, String head) throws IOException {
        return exchange(port, head, (byte[]) null);
    }

    /** Sends a request whose body is text; adds Content-Length for it. */
    public static Response exchange(int port, String head, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return exchange(port, head.strip() + "\nContent-Length: " + bytes.length, bytes);
    }

    /** Encodes {@code body} with chunked transfer coding in pieces of {@code piece} bytes. */
    public static byte[] chunked(byte[] body, int piece) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i += piece) {
            int n = Math.min(piece, body.length - i);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, i, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static Response read(InputStream in, boolean isHead) throws IOException {
        while (true) {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
            if (status == 100) {
                continue;
            }
            byte[] body;
            List<String> encoding = headers.get("Transfer-Encoding");
            List<String> length = headers.get("Content-Length");
            if (isHead || status == 204 || status == 304) {
                body = new byte[0];
            } else if (encoding != null && encoding.get(0).toLowerCase(Locale.ROOT).contains("chunked")) {
                body = readChunked(in);
            } else if (length != null) {
                body = in.readNBytes(Integer.parseInt(length.get(0)));
            } else {
                body = in.readAllBytes();
            }
            return new Response(status, headers, body);
        }
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int semicolon = size.indexOf(';');
            int n = Integer.parseInt((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
            if (n == 0) {
                while (!line(in).isEmpty()) {
                    // trailers
                }
                return out.toByteArray();
            }
            out.write(in.readNBytes(n));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed in the middle of a line: " + line);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
