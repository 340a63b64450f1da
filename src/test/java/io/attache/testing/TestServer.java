package io.attache.testing;

import io.attache.app.Attache;
import io.attache.config.Config;
import io.attache.server.AttacheServer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * A complete Attaché server for tests: a real SQLite file and a local chunk store in a temporary
 * directory, and Jetty on a free loopback port.
 */
public final class TestServer implements AutoCloseable {

    public static final String PASSWORD = "correct horse battery";

    private final Attache attache;
    private final AttacheServer server;

    private TestServer(Attache attache, AttacheServer server) {
        this.attache = attache;
        this.server = server;
    }

    public static TestServer start(Path dir) throws Exception {
        return start(dir, Map.of());
    }

    /** Starts a server with these settings on top of test defaults (port 0, data in {@code dir}). */
    public static TestServer start(Path dir, Map<String, String> settings) throws Exception {
        return start(dir, settings, java.util.function.UnaryOperator.identity());
    }

    /** As above, with the configured store wrapped by {@code decorate} (to stall or fail it). */
    public static TestServer start(Path dir, Map<String, String> settings,
                                   java.util.function.UnaryOperator<io.attache.store.ChunkStore> decorate) throws Exception {
        Map<String, String> values = new HashMap<>();
        values.put("data-dir", dir.toString());
        values.put("listen", "127.0.0.1:0");
        values.put("web-listen", "127.0.0.1:0");
        values.put("durable-commits", "false");
        values.putAll(settings);
        Attache attache = Attache.open(Config.from(values, dir), decorate);
        try {
            return new TestServer(attache, attache.serve());
        } catch (Exception e) {
            attache.close();
            throw e;
        }
    }

    /** Adds a user whose password is {@link #PASSWORD}. */
    public TestServer user(String name) throws Exception {
        attache.users.add(name, PASSWORD.toCharArray(), null);
        return this;
    }

    public int port() {
        return server.port();
    }

    /** The web app's port. */
    public int webPort() {
        return server.webPort();
    }

    public String webUrl() {
        return "http://127.0.0.1:" + webPort();
    }

    public int tlsPort() {
        return server.tlsPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public Attache attache() {
        return attache;
    }

    public static String basic(String user) {
        return basic(user, PASSWORD);
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws Exception {
        try {
            server.close();
        } finally {
            attache.close();
        }
    }
}
