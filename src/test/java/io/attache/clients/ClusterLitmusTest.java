package io.attache.clients;

import io.attache.testing.RawHttp;
import io.attache.testing.TestCluster;
import io.attache.testing.TestServer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * litmus (see {@link LitmusTest}) against node A of a two-node cluster on PostgreSQL, while node
 * B serves a load of its own (another user writing, reading, listing and deleting): all 104
 * tests pass with the database and the collector shared, and the load meets no error.
 */
class ClusterLitmusTest extends LitmusTest {

    private TestCluster cluster;
    private final ExecutorService load = Executors.newFixedThreadPool(2);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger operations = new AtomicInteger();
    private final List<Future<?>> clients = new ArrayList<>();

    @Override
    TestServer startServer(Path dir) throws Exception {
        cluster = new TestCluster(dir);
        Map<String, String> settings = Map.of("chunk-size", "auto", "gc-interval", "1s", "gc-grace", "0s");
        TestServer a = cluster.start("a", settings).user("litmus");
        TestServer b = cluster.start("b", settings).user("load");
        for (int c = 0; c < 2; c++) {
            int client = c;
            clients.add(load.submit(() -> {
                Random random = new Random(client);
                for (int n = 0; running.get() && n < 100_000; n++) {
                    byte[] body = new byte[1_000 + random.nextInt(200_000)];
                    random.nextBytes(body);
                    String path = "/load" + client + "-" + n % 20;
                    assertEquals(n < 20 ? 201 : 204, send(b, "PUT " + path, body).status(), path);
                    assertEquals(body.length, send(b, "GET " + path, null).body().length, path);
                    assertEquals(207, send(b, "PROPFIND /\nDepth: 1", null).status());
                    if (n % 7 == 6) {
                        assertEquals(204, send(b, "DELETE " + path, null).status());
                        assertEquals(201, send(b, "PUT " + path, body).status());
                    }
                    operations.incrementAndGet();
                }
                return null;
            }));
        }
        return a;
    }

    @Override
    void stopServer() throws Exception {
        running.set(false);
        try {
            for (Future<?> client : clients) {
                client.get(120, TimeUnit.SECONDS);
            }
            System.out.println("ClusterLitmusTest: node B served " + operations.get() + " rounds of PUT, GET, PROPFIND "
                    + "(and DELETE) while litmus ran against node A");
            assertTrue(operations.get() > 0, "the load ran");
        } finally {
            load.shutdownNow();
            cluster.close();
        }
    }

    private static RawHttp.Response send(TestServer node, String head, byte[] body) throws Exception {
        String[] lines = head.split("\n", 2);
        return RawHttp.exchange(node.port(), lines[0] + " HTTP/1.1\nHost: x\n" + (lines.length > 1 ? lines[1] + "\n" : "")
                + "Authorization: " + TestServer.basic("load") + "\nContent-Length: " + (body == null ? 0 : body.length)
                + "\nConnection: close", body == null ? new byte[0] : body);
    }
}
