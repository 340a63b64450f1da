package io.attache.fs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server's background work on one daemon thread: tasks that each run every so often, and
 * whose failures are logged and retried next time rather than stopping the others.
 */
public final class Housekeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Housekeeper.class);

    /** One kind of background work. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private record Scheduled(String name, Task task, Duration every) {
    }

    private final List<Scheduled> tasks = new ArrayList<>();
    private ScheduledExecutorService scheduler;

    /** Adds a task that runs every {@code every}, first after one period. */
    public synchronized Housekeeper every(Duration every, String name, Task task) {
        if (scheduler != null) {
            throw new IllegalStateException("add tasks before start()");
        }
        tasks.add(new Scheduled(name, task, every));
        return this;
    }

    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "attache-housekeeper");
            t.setDaemon(true);
            return t;
        });
        for (Scheduled s : tasks) {
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    s.task().run();
                } catch (Exception | Error e) {
                    log.warn("Background task '{}' failed, will run again: {}", s.name(), e.toString());
                }
            }, s.every().toMillis(), s.every().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler = null;
        }
    }
}
