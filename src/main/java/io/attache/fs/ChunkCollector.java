package io.attache.fs;

import io.attache.meta.Database;
import io.attache.meta.DeleteQueue;
import io.attache.meta.PendingChunks;
import io.attache.store.ChunkStore;
import io.attache.store.Locator;
import io.attache.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Drains the durable delete queue into the chunk store, in the background while the server runs
 * and to the end in {@code attache gc}. A chunk is deleted only after a grace period (so that a
 * read which resolved it before its file was replaced can finish) and only if no chunk row names
 * it; a failed delete is retried later with a growing delay.
 */
public final class ChunkCollector implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChunkCollector.class);
    private static final int BATCH = 50;
    private static final long MAX_BACKOFF_MILLIS = TimeUnit.HOURS.toMillis(6);

    private final Database db;
    private final ChunkStore store;
    private final Clock clock;
    private final long graceMillis;
    private ScheduledExecutorService scheduler;

    public ChunkCollector(Database db, ChunkStore store, Clock clock, Duration grace) {
        this.db = db;
        this.store = store;
        this.clock = clock;
        this.graceMillis = grace.toMillis();
    }

    /** Runs {@link #drain} every {@code interval} on a daemon thread. */
    public synchronized void start(Duration interval) {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "attache-collector");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                drain(Integer.MAX_VALUE);
            } catch (RuntimeException | SQLException e) {
                log.warn("Chunk collection failed, will retry: {}", e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Hands chunks of writes that never committed, recorded before {@code cutoffMillis}, to the
     * delete queue. At start-up the cutoff is the start time: no write of this process exists yet.
     */
    public int recoverAbandonedWrites(long cutoffMillis) throws SQLException {
        long now = clock.millis();
        int n = db.write(c -> PendingChunks.abandonOlderThan(c, cutoffMillis, now));
        if (n > 0) {
            log.info("Queued {} chunks of interrupted uploads for deletion", n);
        }
        return n;
    }

    /**
     * Deletes due chunks, {@value #BATCH} at a time, until none is due or {@code maxBatches} batches ran.
     *
     * @return chunks deleted
     */
    public int drain(int maxBatches) throws SQLException {
        int deleted = 0;
        for (int batch = 0; batch < maxBatches; batch++) {
            long now = clock.millis();
            List<DeleteQueue.Entry> due = db.read(c -> DeleteQueue.due(c, now, now - graceMillis, BATCH));
            if (due.isEmpty()) {
                break;
            }
            deleted += deleteBatch(due);
        }
        return deleted;
    }

    private int deleteBatch(List<DeleteQueue.Entry> due) throws SQLException {
        List<DeleteQueue.Entry> deletable = new ArrayList<>();
        List<Locator> locators = new ArrayList<>();
        for (DeleteQueue.Entry entry : due) {
            boolean referenced = db.read(c -> DeleteQueue.isReferenced(c, entry.locator()));
            if (referenced) {
                log.error("Chunk {} is queued for deletion but still referenced; keeping it", entry.locator());
                db.write(c -> {
                    DeleteQueue.remove(c, entry.id());
                    return null;
                });
                continue;
            }
            deletable.add(entry);
            locators.add(new Locator(entry.locator()));
        }
        if (deletable.isEmpty()) {
            return 0;
        }
        try {
            store.deleteAll(locators);
        } catch (StoreException e) {
            return deleteOneByOne(deletable);
        }
        db.write(c -> {
            for (DeleteQueue.Entry entry : deletable) {
                DeleteQueue.remove(c, entry.id());
            }
            return null;
        });
        return deletable.size();
    }

    private int deleteOneByOne(List<DeleteQueue.Entry> entries) throws SQLException {
        int deleted = 0;
        for (DeleteQueue.Entry entry : entries) {
            try {
                store.delete(new Locator(entry.locator()));
                db.write(c -> {
                    DeleteQueue.remove(c, entry.id());
                    return null;
                });
                deleted++;
            } catch (StoreException e) {
                long delay = Math.min(MAX_BACKOFF_MILLIS, TimeUnit.SECONDS.toMillis(30) << Math.min(20, entry.attempts()));
                if (e instanceof StoreException.RetryAfter retryAfter) {
                    delay = Math.max(delay, retryAfter.delayMillis());
                }
                long next = clock.millis() + delay;
                log.warn("Deleting chunk {} failed (attempt {}), retrying in {} s: {}", entry.locator(),
                        entry.attempts() + 1, delay / 1000, e.getMessage());
                db.write(c -> {
                    DeleteQueue.retryLater(c, entry.id(), next, e.getMessage());
                    return null;
                });
            }
        }
        return deleted;
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
