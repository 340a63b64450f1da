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
 * whose failures are logged and retried next time rather than stopping the others. An
 * {@link Error} is different: it goes to the handler given at construction, which in a server
 * ends the process (nothing would run the background work any more).
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
    private final Thread.UncaughtExceptionHandler onError;
    private ScheduledExecutorService scheduler;

    public Housekeeper(Thread.UncaughtExceptionHandler onError) {
        this.onError = onError;
    }

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
                } catch (Exception e) {
                    log.warn("Background task '{}' failed, will run again: {}", s.name(), e.toString());
                } catch (Error e) {
                    onError.uncaughtException(Thread.currentThread(), e);
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
