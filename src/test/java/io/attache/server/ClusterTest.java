package io.attache.server;

import io.attache.meta.Cluster;
import io.attache.store.ForwardingChunkStore;
import io.attache.store.Locator;
import io.attache.store.StoreException;
import io.attache.testing.RawHttp;
import io.attache.testing.StallableStore;
import io.attache.testing.TestCluster;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes on one PostgreSQL database and one store, every request to any node: what one
 * node decides (a name, a lock, a version) holds on the others, because the database decides
 * it; content staged on one node is read through the others; background work is done once.
 */
class ClusterTest {

    static final String USER = "c";
    static final String LOCK_BODY = """
            <?xml version="1.0" encoding="utf-8"?>
            <D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>
            <D:owner>test</D:owner></D:lockinfo>""";

    @TempDir
    Path dir;
    TestCluster cluster;
    final ExecutorService pool = Executors.newFixedThreadPool(9);

    @BeforeEach
    void start() throws Exception {
        cluster = new TestCluster(dir);
    }

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        cluster.close();
    }

    List<TestServer> threeNodes(Map<String, String> extra) throws Exception {
        List<TestServer> nodes = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            nodes.add(cluster.start(name, extra));
        }
        nodes.get(0).user(USER);
        return nodes;
    }

    static RawHttp.Response send(TestServer node, String head, byte[] body) throws Exception {
        return RawHttp.exchange(node.port(), head + "\nHost: x\nAuthorization: " + TestServer.basic(USER)
                + "\nContent-Length: " + (body == null ? 0 : body.length) + "\nConnection: close", body);
    }

    /** Sends {@code request} through each node three times, all at once; returns the statuses. */
    List<Integer> race(List<TestServer> nodes, String head, byte[] body) throws Exception {
        List<Callable<Integer>> racers = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < 9; i++) {
            TestServer node = nodes.get(i % nodes.size());
            racers.add(() -> {
                go.await();
                return send(node, head, body).status();
            });
        }
        List<Future<Integer>> futures = new ArrayList<>();
        for (Callable<Integer> racer : racers) {
            futures.add(pool.submit(racer));
        }
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : futures) {
            statuses.add(f.get(60, TimeUnit.SECONDS));
        }
        statuses.sort(null);
        return statuses;
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void concurrentMkcolPutAndLockOfOnePathThroughThreeNodesHaveOneWinner() throws Exception {
        List<TestServer> nodes = threeNodes(Map.of());
        assertEquals(List.of(201, 405, 405, 405, 405, 405, 405, 405, 405), race(nodes, "MKCOL /folder HTTP/1.1", null),
                "MKCOL of an existing name is 405 (RFC 4918 9.3.1)");
        assertEquals(List.of(201, 412, 412, 412, 412, 412, 412, 412, 412),
                race(nodes, "PUT /file HTTP/1.1\nIf-None-Match: *", random(70_000, 1)),
                "a PUT that may only create: one creates, the others fail their condition");
        assertEquals(List.of(201, 423, 423, 423, 423, 423, 423, 423, 423),
                race(nodes, "LOCK /locked HTTP/1.1\nTimeout: Second-600", LOCK_BODY.getBytes()),
                "an exclusive lock is granted once; the others meet it (RFC 4918 9.10.6)");
        for (TestServer node : nodes) {
            assertEquals(207, send(node, "PROPFIND /folder HTTP/1.1\nDepth: 0", null).status());
            assertEquals(70_000, send(node, "GET /file HTTP/1.1", null).body().length);
        }
    }

    @Test
    void aLockTakenThroughOneNodeIsEnforcedThroughTheOthers() throws Exception {
        List<TestServer> nodes = threeNodes(Map.of());
        TestServer a = nodes.get(0);
        TestServer b = nodes.get(1);
        assertEquals(201, send(a, "PUT /doc.txt HTTP/1.1", "v1".getBytes()).status());
        RawHttp.Response lock = send(a, "LOCK /doc.txt HTTP/1.1\nTimeout: Second-600", LOCK_BODY.getBytes());
        assertEquals(200, lock.status());
        String token = lock.header("Lock-Token");
        assertNotNull(token);

        assertEquals(423, send(b, "PUT /doc.txt HTTP/1.1", "v2".getBytes()).status(), "no token, no write");
        assertEquals(423, send(b, "DELETE /doc.txt HTTP/1.1", null).status());
        assertEquals(423, send(b, "MOVE /doc.txt HTTP/1.1\nDestination: /moved.txt", null).status());
        assertEquals(204, send(b, "PUT /doc.txt HTTP/1.1\nIf: (" + token + ")", "v2".getBytes()).status());
        assertTrue(send(nodes.get(2), "PROPFIND /doc.txt HTTP/1.1\nDepth: 0", null).text()
                .contains(token.substring(1, token.length() - 1)), "lock discovery on a third node");
        assertEquals(204, send(nodes.get(2), "UNLOCK /doc.txt HTTP/1.1\nLock-Token: " + token, null).status());
        assertEquals(204, send(a, "PUT /doc.txt HTTP/1.1", "v3".getBytes()).status());
        assertEquals("v3", send(b, "GET /doc.txt HTTP/1.1", null).text());
    }

    /**
     * With write-back, A acknowledges from its own disk: until A's uploader moves the blobs, A is
     * the only holder, and B reads them from A. Once A is down, B answers 503; once A is back, B
     * reads again, and A uploads what it staged.
     */
    @Test
    void contentStagedOnOneNodeIsReadThroughTheOthersUntilItsOwnerIsDown() throws Exception {
        StallableStore[] storeOfA = new StallableStore[1];
        Map<String, String> writeBack = Map.of("write-back", "on", "pack-linger", "1h");
        TestServer a = cluster.start("a", writeBack, s -> storeOfA[0] = new StallableStore(s));
        TestServer b = cluster.start("b", Map.of());
        a.user(USER);
        storeOfA[0].stall();
        byte[] big = random(3 * 65_536 + 1_000, 2);
        byte[] small = random(2_000, 3);
        assertEquals(201, send(a, "PUT /big.bin HTTP/1.1", big).status());
        assertEquals(201, send(a, "PUT /small.txt HTTP/1.1", small).status());
        assertTrue(staged(a) > 0, "acknowledged from A's staging");

        assertArrayEquals(big, send(b, "GET /big.bin HTTP/1.1", null).body());
        RawHttp.Response range = send(b, "GET /big.bin HTTP/1.1\nRange: bytes=70000-139999", null);
        assertEquals(206, range.status());
        assertArrayEquals(Arrays.copyOfRange(big, 70_000, 140_000), range.body());
        assertArrayEquals(small, send(b, "GET /small.txt HTTP/1.1", null).body());
        assertEquals(0, storeOfA[0].putSizes.size(), "still nothing in the store");

        cluster.stop("a");
        RawHttp.Response down = send(b, "GET /big.bin HTTP/1.1", null);
        assertEquals(503, down.status(), down.text());
        assertEquals("5", down.header("Retry-After"));
        assertEquals(207, send(b, "PROPFIND /big.bin HTTP/1.1\nDepth: 0", null).status(), "the metadata is all there");

        a = cluster.start("a", writeBack);
        assertArrayEquals(big, send(b, "GET /big.bin HTTP/1.1", null).body(), "A is back, its staging with it");
        assertTrue(a.attache().uploader.awaitFlushed(Duration.ofSeconds(60)), "A uploads what it staged");
        assertEquals(0, staged(a));
        assertArrayEquals(big, send(b, "GET /big.bin HTTP/1.1", null).body(), "from the store now");
        assertArrayEquals(small, send(b, "GET /small.txt HTTP/1.1", null).body());
    }

    /** The same request to B without the cluster secret's signature reads nothing from A. */
    @Test
    void theClusterListenerServesOnlySignedRequests() throws Exception {
        StallableStore[] storeOfA = new StallableStore[1];
        TestServer a = cluster.start("a", Map.of("write-back", "on", "pack-linger", "1h"), s -> storeOfA[0] = new StallableStore(s));
        a.user(USER);
        storeOfA[0].stall();
        assertEquals(201, send(a, "PUT /secret.bin HTTP/1.1", random(5_000, 4)).status());
        String locator = a.attache().db.read(c -> io.attache.meta.Packs.staged(c, "staged:%", 10)).get(0).locator();
        String path = io.attache.store.PeerStagingStore.path(new Locator(locator));
        int port = a.attache().member.urlOf(a.attache().member.id()).map(ClusterTest::port).orElseThrow();
        assertEquals(403, RawHttp.exchange(port, "GET " + path + " HTTP/1.1\nHost: x\nRange: bytes=0-99\nConnection: close",
                new byte[0]).status());
        assertEquals(403, RawHttp.exchange(port, "GET " + path + " HTTP/1.1\nHost: x\nRange: bytes=0-99\nX-Attache-Node: "
                + "0123456789abcdef\nX-Attache-Date: " + System.currentTimeMillis() + "\nX-Attache-Signature: forged\n"
                + "Connection: close", new byte[0]).status());
        assertEquals(401, RawHttp.exchange(a.port(), "GET " + path + " HTTP/1.1\nHost: x\nConnection: close", new byte[0]).status(),
                "the WebDAV port knows nothing of it");
    }

    /**
     * Deletes through every node while all three collect: each unreferenced pack is deleted from
     * the store exactly once, by whichever node held the collector's claim, and the job table says
     * so.
     */
    @Test
    void backgroundWorkIsDoneOnceWhicheverNodesRun() throws Exception {
        Map<String, Integer> deletes = new ConcurrentHashMap<>();
        Map<String, String> fast = Map.of("gc-interval", "200ms", "gc-grace", "0s");
        List<TestServer> nodes = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            nodes.add(cluster.start(name, fast, s -> new CountingDeletes(s, deletes)));
        }
        nodes.get(0).user(USER);
        for (int i = 0; i < 30; i++) {
            TestServer node = nodes.get(i % 3);
            assertEquals(201, send(node, "PUT /f" + i + " HTTP/1.1", random(70_000 + i, i)).status());
        }
        for (int i = 0; i < 30; i++) {
            assertEquals(204, send(nodes.get((i + 1) % 3), "DELETE /f" + i + " HTTP/1.1", null).status());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (nodes.get(0).attache().db.read(io.attache.meta.DeleteQueue::size) > 0) {
            assertTrue(System.nanoTime() < deadline, "the delete queue drains");
            Thread.sleep(50);
        }
        assertTrue(deletes.size() >= 31, "a whole chunk per file, and the packs of the tails: " + deletes.size());
        assertTrue(deletes.values().stream().allMatch(n -> n == 1), "no pack deleted twice: " + deletes);
        for (String[] job : nodes.get(1).attache().db.read(Cluster::jobs)) {
            assertTrue(job[1] == null || List.of(nodes.stream().map(n -> n.attache().member.id()).toArray()).contains(job[1]),
                    Arrays.toString(job));
        }
        try (Stream<Path> left = Files.walk(cluster.storeDir())) {
            assertEquals(0, left.filter(Files::isRegularFile).count(), "the store is empty again");
        }
    }

    private long staged(TestServer node) throws Exception {
        return node.attache().db.read(io.attache.meta.Packs::stagedSummary).packs();
    }

    private static int port(String url) {
        Matcher m = Pattern.compile(":(\\d+)$").matcher(url);
        assertTrue(m.find(), url);
        return Integer.parseInt(m.group(1));
    }

    /** Counts, across nodes, how often each object is deleted from the store. */
    static final class CountingDeletes extends ForwardingChunkStore {
        private final Map<String, Integer> deletes;

        CountingDeletes(io.attache.store.ChunkStore inner, Map<String, Integer> deletes) {
            super(inner);
            this.deletes = deletes;
        }

        @Override
        public void delete(Locator locator) throws StoreException {
            deletes.merge(locator.value(), 1, Integer::sum);
            super.delete(locator);
        }

        @Override
        public void deleteAll(Collection<Locator> locators) throws StoreException {
            for (Locator locator : locators) {
                deletes.merge(locator.value(), 1, Integer::sum);
            }
            super.deleteAll(locators);
        }
    }
}
