package io.attache.server;

import io.attache.testing.ForkedServer;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bounded memory: a 1 GiB upload streams through a server whose heap is capped at 128 MiB (a
 * forked JVM with default settings), and reads back identical.
 */
class LargeFileMemoryTest {

    static final long SIZE = 1L << 30;

    @TempDir
    Path dir;

    @Test
    void aOneGibibyteFileRoundTripsThroughA128MebibyteHeap() throws Exception {
        try (ForkedServer server = ForkedServer.start(dir, "-Xmx128m")) {
            String auth = TestServer.basic(ForkedServer.USER);

            HttpURLConnection put = (HttpURLConnection) URI.create(server.url() + "/big.bin").toURL().openConnection();
            put.setRequestMethod("PUT");
            put.setDoOutput(true);
            put.setFixedLengthStreamingMode(SIZE);
            put.setRequestProperty("Authorization", auth);
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            try (OutputStream out = put.getOutputStream()) {
                Generator generator = new Generator(42);
                byte[] buffer = new byte[1 << 16];
                for (long written = 0; written < SIZE; written += buffer.length) {
                    generator.fill(buffer);
                    sent.update(buffer);
                    out.write(buffer);
                }
            }
            assertEquals(201, put.getResponseCode(), server::log);

            HttpURLConnection get = (HttpURLConnection) URI.create(server.url() + "/big.bin").toURL().openConnection();
            get.setRequestProperty("Authorization", auth);
            assertEquals(200, get.getResponseCode());
            assertEquals(SIZE, get.getContentLengthLong());
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            long total = 0;
            try (InputStream in = get.getInputStream()) {
                byte[] buffer = new byte[1 << 16];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    received.update(buffer, 0, n);
                    total += n;
                }
            }
            assertEquals(SIZE, total);
            assertEquals(HexFormat.of().formatHex(sent.digest()), HexFormat.of().formatHex(received.digest()));
            assertTrue(server.isAlive(), "the server survived");
            assertTrue(!server.log().contains("OutOfMemoryError"), server.log());
        }
    }

    /** A fast deterministic byte stream (xorshift64*), so a gigabyte costs little CPU to make. */
    static final class Generator {
        private long state;

        Generator(long seed) {
            this.state = seed == 0 ? 1 : seed;
        }

        void fill(byte[] buffer) {
            for (int i = 0; i < buffer.length; i += 8) {
                state ^= state >>> 12;
                state ^= state << 25;
                state ^= state >>> 27;
                long v = state * 0x2545F4914F6CDD1DL;
                for (int j = 0; j < 8; j++) {
                    buffer[i + j] = (byte) (v >>> (8 * j));
                }
            }
        }
    }
}
