package io.attache.server;

import io.attache.testing.RawHttp;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests racing over HTTP: the database decides, clients see clean outcomes. */
class ConcurrencyTest {

    @TempDir
    Path dir;

    static List<Integer> race(int clients, Callable<Integer> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return request.call();
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : futures) {
                statuses.add(f.get(60, TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void duplicateMkcolsGiveOne201AndThe405s() throws Exception {
        try (TestServer server = TestServer.start(dir).user("c")) {
            for (int round = 0; round < 5; round++) {
                String path = "/folder" + round;
                List<Integer> statuses = race(10, () -> RawHttp.exchange(server.port(), "MKCOL " + path
                        + " HTTP/1.1\nHost: x\nConnection: close\nAuthorization: " + TestServer.basic("c")).status());
                assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
                assertEquals(9, statuses.stream().filter(s -> s == 405).count(), statuses.toString());
            }
        }
    }

    @Test
    void concurrentPutsToOnePathEndWithOneWholeVersion() throws Exception {
        try (TestServer server = TestServer.start(dir, Map.of("chunk-size", "64KiB")).user("c")) {
            int[] next = {0};
            List<Integer> statuses = race(8, () -> {
                char fill;
                synchronized (next) {
                    fill = (char) ('a' + next[0]++);
                }
                byte[] body = String.valueOf(fill).repeat(500_000).getBytes(StandardCharsets.US_ASCII);
                return RawHttp.exchange(server.port(), "PUT /contested.bin HTTP/1.1\nHost: x\nConnection: close\nContent-Length: "
                        + body.length + "\nAuthorization: " + TestServer.basic("c"), body).status();
            });
            assertTrue(statuses.stream().allMatch(s -> s == 201 || s == 204), statuses.toString());
            String content = RawHttp.exchange(server.port(), "GET /contested.bin HTTP/1.1\nHost: x\nConnection: close\nAuthorization: "
                    + TestServer.basic("c")).text();
            assertEquals(500_000, content.length());
            assertEquals(String.valueOf(content.charAt(0)).repeat(500_000), content, "one writer's bytes only");
        }
    }
}
