package io.attache.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tools of the hostile-input suites: raw sockets from chosen loopback addresses (127.0.0.2 looks
 * like another machine to the server), latency figures, and the heap of a forked server.
 */
final class Hostile {

    private Hostile() {
    }

    /** A connection from {@code from} to the server; a small receive buffer makes a slow reader stall early. */
    static Socket connect(String from, int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return s;
    }

    /** Sends one request on a new connection and returns the status, reading the whole answer. */
    static int status(String from, int port, String head, byte[] body, int timeoutMillis) throws IOException {
        try (Socket s = connect(from, port, 0)) {
            s.setSoTimeout(timeoutMillis);
            String h = head.strip().replace("\n", "\r\n") + "\r\nConnection: close\r\n"
                    + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
            s.getOutputStream().write(h.getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                s.getOutputStream().write(body);
            }
            byte[] answer = s.getInputStream().readAllBytes();
            String line = new String(answer, 0, Math.min(answer.length, 16), StandardCharsets.US_ASCII);
            if (!line.startsWith("HTTP/1.1 ")) {
                throw new IOException("no answer: '" + line + "'");
            }
            return Integer.parseInt(line.substring(9, 12));
        }
    }

    /** Latencies of requests, in milliseconds. */
    record Timings(List<Long> millis) {
        long percentile(double p) {
            List<Long> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            int index = (int) Math.ceil(p / 100 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
        }

        @Override
        public String toString() {
            return "n=" + millis.size() + " p50=" + percentile(50) + " ms p99=" + percentile(99) + " ms max=" + percentile(100) + " ms";
        }
    }

    interface Request {
        int send() throws IOException;
    }

    /** Sends {@code n} requests one after another; every one must get {@code expected}. */
    static Timings time(int n, int expected, Request request) throws IOException {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            int status = request.send();
            millis.add((System.nanoTime() - t) / 1_000_000);
            assertEquals(expected, status, "request " + i);
        }
        return new Timings(millis);
    }

    /** Bytes the forked JVM {@code pid} holds on its heap after a full collection (jcmd, from the JDK). */
    static long heapUsedAfterGc(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        run(jcmd, Long.toString(pid), "GC.run");
        String info = run(jcmd, Long.toString(pid), "GC.heap_info");
        Matcher m = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K").matcher(info);
        assertTrue(m.find(), info);
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        return out.toString(StandardCharsets.UTF_8);
    }
}
