package io.attache.testing;

import io.attache.store.ChunkStore;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Several in-process Attaché nodes on one PostgreSQL database (a fresh schema) and one local
 * store folder, each with its own data directory (key copied from the first), a cluster listener
 * on a free loopback port and the same cluster secret: a cluster as the README describes it.
 */
public final class TestCluster implements AutoCloseable {

    public static final String SECRET = "a cluster secret for tests only";

    private final Path dir;
    private final String databaseUrl;
    private final Map<String, TestServer> nodes = new LinkedHashMap<>();

    public TestCluster(Path dir) throws SQLException {
        this.dir = dir;
        this.databaseUrl = TestDatabase.freshSchema();
    }

    public String databaseUrl() {
        return databaseUrl;
    }

    public Path dataDir(String node) {
        return dir.resolve(node);
    }

    public Path storeDir() {
        return dir.resolve("store");
    }

    /** The settings of node {@code node}, with {@code extra} on top. */
    public Map<String, String> settings(String node, Map<String, String> extra) {
        Map<String, String> s = new HashMap<>();
        s.put("data-dir", dataDir(node).toString());
        s.put("database-url", databaseUrl);
        s.put("local-store-dir", storeDir().toString());
        s.put("key-file", dir.resolve("master.key").toString());
        s.put("chunk-size", "64KiB");
        s.put("cluster-listen", "127.0.0.1:0");
        s.put("cluster-secret", SECRET);
        s.put("node-timeout", "3s");
        s.put("trash-retention", "0");
        s.putAll(extra);
        return s;
    }

    public TestServer start(String node, Map<String, String> extra) throws Exception {
        return start(node, extra, UnaryOperator.identity());
    }

    /** Starts node {@code node}, its store wrapped by {@code decorate}. */
    public TestServer start(String node, Map<String, String> extra, UnaryOperator<ChunkStore> decorate) throws Exception {
        TestServer server = TestServer.start(dataDir(node), settings(node, extra), decorate);
        nodes.put(node, server);
        return server;
    }

    public TestServer node(String node) {
        return nodes.get(node);
    }

    /** Stops node {@code node} cleanly. */
    public void stop(String node) throws Exception {
        TestServer server = nodes.remove(node);
        if (server != null) {
            server.close();
        }
    }

    @Override
    public void close() throws Exception {
        List<Exception> failures = new ArrayList<>();
        for (TestServer server : nodes.values()) {
            try {
                server.close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        nodes.clear();
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }
}
