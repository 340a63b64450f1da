package io.attache.server;

import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A user's requests beyond the limit wait their turn, up to a number and a time, then are refused. */
class UserGateTest {

    ScheduledExecutorScheduler scheduler;
    ExecutorService executor;
    final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        scheduler = new ScheduledExecutorScheduler();
        scheduler.start();
        // One thread: the callbacks run in the order the gate hands out places, which is what the
        // tests check; with several threads two released waiters could record themselves either way.
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop() throws Exception {
        executor.shutdownNow();
        scheduler.stop();
    }

    UserGate.Ticket ticket(String name, CountDownLatch done) {
        return new UserGate.Ticket() {
            @Override
            public void proceed() {
                events.add(name + " proceeds");
                done.countDown();
            }

            @Override
            public void refuse(String why) {
                events.add(name + " refused: " + why);
                done.countDown();
            }
        };
    }

    @Test
    void beyondTheLimitRequestsWaitThenGoInOrder() throws Exception {
        UserGate gate = new UserGate(2, 2, Duration.ofSeconds(30));
        CountDownLatch done = new CountDownLatch(5);
        for (String name : List.of("a", "b", "c", "d", "e")) {
            gate.enter(1, ticket(name, done), executor, scheduler);
        }
        gate.enter(2, ticket("another user's", new CountDownLatch(1)), executor, scheduler);
        assertEquals(List.of("a proceeds", "b proceeds", "e refused: more than 4 requests of one user at once",
                "another user's proceeds"), events);
        gate.leave(1);
        gate.leave(1);
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("a proceeds", "b proceeds", "e refused: more than 4 requests of one user at once",
                "another user's proceeds", "c proceeds", "d proceeds"), events);
        assertEquals(2, gate.active(1), "c and d hold the two places");
        gate.leave(1);
        gate.leave(1);
        assertEquals(0, gate.active(1));
    }

    @Test
    void aRequestThatWaitsTooLongIsRefused() throws Exception {
        UserGate gate = new UserGate(1, 5, Duration.ofMillis(200));
        CountDownLatch done = new CountDownLatch(2);
        gate.enter(7, ticket("first", done), executor, scheduler);
        gate.enter(7, ticket("second", done), executor, scheduler);
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals("second refused: waited 200 ms behind other requests of the same user", events.get(1));
        gate.leave(7);
        assertEquals(0, gate.active(7), "nobody was left waiting for the place");
    }
}
