package io.attache.fs;

import io.attache.meta.Database;
import io.attache.meta.DeleteQueue;
import io.attache.meta.Blobs;
import io.attache.store.ChunkStore;
import io.attache.store.Locator;
import io.attache.store.StagingStore;
import io.attache.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Drains the durable delete queue into the chunk store, in the background while the server runs
 * and to the end in {@code attache gc}. A chunk is deleted only after a grace period (so that a
 * read which resolved it before its file was replaced can finish) and only if no chunk row names
 * it; a failed delete is retried later with a growing delay.
 */
public final class ChunkCollector {

    private static final Logger log = LoggerFactory.getLogger(ChunkCollector.class);
    private static final int BATCH = 50;
    private static final long MAX_BACKOFF_MILLIS = TimeUnit.HOURS.toMillis(6);

    private final Database db;
    private final ChunkStore store;
    private final Clock clock;
    private final long graceMillis;
    private final String node;
    private final String ownStaged;

    /** The collector of a single node, which stages every staged blob there is. */
    public ChunkCollector(Database db, ChunkStore store, Clock clock, Duration grace) {
        this(db, store, clock, grace, null);
    }

    /**
     * @param node this node's id in a cluster, or null on a single node: the staged blobs of
     *             other nodes are theirs to delete, and so are their interrupted writes
     */
    public ChunkCollector(Database db, ChunkStore store, Clock clock, Duration grace, String node) {
        this.db = db;
        this.store = store;
        this.clock = clock;
        this.graceMillis = grace.toMillis();
        this.node = node;
        this.ownStaged = StagingStore.ownPattern(node);
    }

    /**
     * Hands chunks of writes that never committed, recorded before {@code cutoffMillis}, to the
     * delete queue. At start-up the cutoff is the start time: no write of this process exists yet.
     * In a cluster only this node's writes: the others' may be under way.
     */
    public int recoverAbandonedWrites(long cutoffMillis) throws SQLException {
        long now = clock.millis();
        int n = db.write(c -> node == null ? Blobs.abandonOlderThan(c, cutoffMillis, now)
                : Blobs.abandonOf(c, node, cutoffMillis, now));
        if (n > 0) {
            log.info("Queued {} chunks of interrupted uploads for deletion", n);
        }
        return n;
    }

    /**
     * Deletes every object in the store that the database does not know (no chunk, queued
     * deletion or pending upload names it) and that {@code alsoKeep} does not list: what a crash
     * between storing a chunk and recording it left behind. Only safe while no write is under
     * way, so only with the server stopped.
     *
     * @return objects deleted, or -1 when the store cannot list its objects
     */
    public int collectOrphans(Set<String> alsoKeep) throws SQLException, StoreException {
        if (!store.properties().listable()) {
            return -1;
        }
        Set<String> known = db.read(DeleteQueue::knownLocators);
        List<Locator> orphans = new ArrayList<>();
        store.list(locator -> {
            if (!known.contains(locator.value()) && !alsoKeep.contains(locator.value())) {
                orphans.add(locator);
            }
        });
        for (int i = 0; i < orphans.size(); i += BATCH) {
            store.deleteAll(orphans.subList(i, Math.min(orphans.size(), i + BATCH)));
        }
        if (!orphans.isEmpty()) {
            log.info("Deleted {} chunks no metadata refers to", orphans.size());
        }
        return orphans.size();
    }

    /**
     * Deletes due chunks, {@value #BATCH} at a time, until none is due or {@code maxBatches} batches ran.
     *
     * @return chunks deleted
     */
    public int drain(int maxBatches) throws SQLException {
        int deleted = settleInDoubt();
        for (int batch = 0; batch < maxBatches; batch++) {
            long now = clock.millis();
            List<DeleteQueue.Entry> due = db.read(c -> DeleteQueue.due(c, now, now - graceMillis, ownStaged, BATCH));
            if (due.isEmpty()) {
                break;
            }
            deleted += deleteBatch(due, true);
        }
        return deleted;
    }

    /** Deletes the staged blobs due for deletion now, for the uploader: staging room comes back at once. */
    public int drainStaged() throws SQLException {
        int deleted = 0;
        for (int batch = 0; batch < 100; batch++) {
            long now = clock.millis();
            List<DeleteQueue.Entry> due = db.read(c -> DeleteQueue.dueStaged(c, now, ownStaged, BATCH));
            if (due.isEmpty()) {
                break;
            }
            // Files of this node's own staging area: deleting one twice costs nothing.
            deleted += deleteBatch(due, false);
        }
        return deleted;
    }

    /**
     * Entries the last collector was deleting when it died (a node killed, or this one crashed):
     * what the store no longer has was deleted already and is only forgotten now; the rest
     * becomes ordinary entries again. So a takeover deletes nothing twice.
     *
     * @return entries found deleted already
     */
    private int settleInDoubt() throws SQLException {
        int settled = 0;
        for (DeleteQueue.Entry entry : db.read(c -> DeleteQueue.inDoubt(c, ownStaged, Integer.MAX_VALUE))) {
            boolean gone = isGone(entry.locator());
            db.write(c -> {
                if (gone) {
                    DeleteQueue.remove(c, entry);
                } else {
                    DeleteQueue.unclaim(c, entry);
                }
                return null;
            });
            settled += gone ? 1 : 0;
        }
        if (settled > 0) {
            log.info("{} queued deletions were done by a collector that stopped before recording them", settled);
        }
        return settled;
    }

    /** True when the store says the object is not there; a store that cannot say keeps it queued. */
    private boolean isGone(String locator) {
        try {
            store.stat(new Locator(locator));
            return false;
        } catch (StoreException.NotFound e) {
            return true;
        } catch (StoreException e) {
            return false;
        }
    }

    /** @param mark record the batch as under way first (see {@link #settleInDoubt}) */
    private int deleteBatch(List<DeleteQueue.Entry> due, boolean mark) throws SQLException {
        List<DeleteQueue.Entry> deletable = new ArrayList<>();
        List<Locator> locators = new ArrayList<>();
        for (DeleteQueue.Entry entry : due) {
            boolean referenced = db.read(c -> DeleteQueue.isReferenced(c, entry.locator()));
            if (referenced) {
                log.error("Chunk {} is queued for deletion but still referenced; keeping it", entry.locator());
                db.write(c -> {
                    DeleteQueue.remove(c, entry);
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
        if (mark) {
            db.write(c -> {
                DeleteQueue.claim(c, deletable, node == null ? "single" : node);
                return null;
            });
        }
        try {
            store.deleteAll(locators);
        } catch (StoreException e) {
            return deleteOneByOne(deletable);
        }
        db.write(c -> {
            for (DeleteQueue.Entry entry : deletable) {
                DeleteQueue.remove(c, entry);
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
                    DeleteQueue.remove(c, entry);
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
                    DeleteQueue.retryLater(c, entry, next, e.getMessage());
                    return null;
                });
            }
        }
        return deleted;
    }
}
