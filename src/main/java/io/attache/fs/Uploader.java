package io.attache.fs;

import io.attache.meta.Database;
import io.attache.meta.Packs;
import io.attache.meta.Settings;
import io.attache.pipeline.PackFill;
import io.attache.store.ChunkStore;
import io.attache.store.StagingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Drains the staging area into the store, in the background, packing as it goes (rclone's VFS
 * cache uploads, restic's packs). Whole chunks go up alone as soon as they are staged, even
 * before their write commits, so a large upload frees staging while it is still arriving; short
 * blobs wait up to {@code linger} to be packed with others into packs as full as the staged
 * blobs allow. Each upload ends with one transaction that points the blobs at their new pack;
 * only then is the staged copy deleted.
 *
 * <p>Nothing staged is ever dropped because the store fails: a failed upload is recorded on its
 * staged packs (for {@code attache uploads}) and retried with a growing pause, without end.
 */
public final class Uploader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Uploader.class);
    /** Set by {@code attache flush} in another process: everything staged before it goes now. */
    public static final String FLUSH_SETTING = "flush-requested-at";
    public static final String RATE_SETTING = "upload-rate";
    private static final int CANDIDATES = 20_000;
    /** A pack at least this full is sent without waiting for more. */
    private static final double FULL = 0.97;
    /** A blob at least this large has no room to share: it goes up alone at once. */
    private static final double ALONE = 0.9;
    private static final long MAX_BACKOFF_MILLIS = TimeUnit.MINUTES.toMillis(5);


    private final Database db;
    private final String ownStaged;
    private final StagingStore staging;
    private final ChunkCollector collector;
    private final PackMover mover;
    private final Clock clock;
    private final int capacity;
    private final PackFill fill;
    private final long lingerMillis;
    /** The longest a short blob waits for others to share a pack with: a minute, or 30 lingers. */
    private final long maxWaitMillis;
    private final int workers;
    private final List<Thread> threads = new ArrayList<>();
    /**
     * Staged packs being uploaded now, by locator (never reused, unlike a pack's id on SQLite).
     * Guarded by {@code this}.
     */
    private final Set<String> claimed = new HashSet<>();
    /** Staged packs whose last upload failed, by locator, and when to try again. Guarded by {@code this}. */
    private final Map<String, Long> retryAt = new HashMap<>();
    private long flushFrom = Long.MIN_VALUE;
    private boolean wakeUp;
    private long lastLook;
    private long lastDrain;
    private volatile boolean stopped;
    private volatile long bytesUploaded;
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    private volatile double rate;
    private long rateUpdatedAt;

    /**
     * @param store    the store below the staging area, where packs go
     * @param capacity the most bytes of one pack
     */
    public Uploader(Database db, StagingStore staging, ChunkStore store, ChunkCollector collector, Clock clock,
                    int capacity, Duration linger, int workers) {
        this(db, staging, store, collector, clock, capacity, linger, workers, null, new PackFill(capacity));
    }

    /**
     * @param node this node's id in a cluster, or null on a single node: a node uploads only what
     *             it staged itself (see {@link StagingStore#ownPattern})
     * @param fill counts the packs uploaded, for the metrics
     */
    public Uploader(Database db, StagingStore staging, ChunkStore store, ChunkCollector collector, Clock clock,
                    int capacity, Duration linger, int workers, String node, PackFill fill) {
        this.fill = fill;
        this.ownStaged = StagingStore.ownPattern(node);
        this.db = db;
        this.staging = staging;
        this.collector = collector;
        this.mover = new PackMover(db, staging, store, clock);
        this.clock = clock;
        this.capacity = capacity;
        this.lingerMillis = linger.toMillis();
        this.maxWaitMillis = Math.max(TimeUnit.MINUTES.toMillis(1), 30 * lingerMillis);
        this.workers = Math.max(1, workers);
    }

    public synchronized void start() {
        if (!threads.isEmpty()) {
            return;
        }
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::work, "attache-uploader-" + (i + 1));
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        log.info("Uploading staged content to the store: {} uploads at a time, packs of up to {} bytes, {} ms linger",
                workers, capacity, lingerMillis);
    }

    /** Something was staged or committed: there may be work. */
    public synchronized void wakeUp() {
        generation.incrementAndGet();
        wakeUp = true;
        notifyAll();
    }

    /** Grows whenever something is staged, uploaded or fails: the queue may look different. */
    public long generation() {
        return generation.get();
    }

    /** Everything staged until now goes up without lingering. */
    public synchronized void flush() {
        flushFrom = clock.millis();
        notifyAll();
    }

    /** Bytes uploaded since the start, and the recent rate in bytes per second. */
    public long bytesUploaded() {
        return bytesUploaded;
    }

    public double rate() {
        return rate;
    }

    /** Waits until nothing this node staged before this call is left, or {@code timeout} passes. */
    public boolean awaitFlushed(Duration timeout) throws SQLException, InterruptedException {
        long cutoff = clock.millis();
        flush();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (db.read(c -> Packs.stagedBefore(c, ownStaged, cutoff))[0] == 0) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
    }

    private void work() {
        byte[] buffer = new byte[capacity];
        while (!stopped) {
            List<Packs.Pack> job;
            try {
                job = next();
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                log.warn("Cannot read the staged content to upload, trying again: {}", e.toString());
                sleepQuietly(1_000);
                continue;
            }
            if (job == null) {
                return;
            }
            try {
                upload(job, buffer);
            } finally {
                release(job);
            }
        }
    }

    private void upload(List<Packs.Pack> job, byte[] buffer) {
        List<PackMover.Source> sources = new ArrayList<>(job.size());
        for (Packs.Pack p : job) {
            sources.add(new PackMover.Source(p.id(), p.locator(), 0, Math.toIntExact(p.size())));
        }
        try {
            PackMover.Moved moved = mover.move(sources, buffer);
            synchronized (this) {
                for (Packs.Pack p : job) {
                    retryAt.remove(p.locator());
                }
            }
            counted(moved.bytes());
            if (moved.locator() != null) {
                fill.stored(moved.bytes());
            }
            generation.incrementAndGet();
            collector.drainStaged();
            log.debug("Uploaded {} staged blobs ({} bytes) as {}; {} were gone", moved.blobs(), moved.bytes(),
                    moved.locator(), moved.gone());
        } catch (InterruptedIOException e) {
            if (!stopped) {
                failed(job, e);
            }
        } catch (IOException | SQLException | RuntimeException e) {
            failed(job, e);
        }
    }

    private void failed(List<Packs.Pack> job, Exception e) {
        int attempts = job.stream().mapToInt(Packs.Pack::attempts).max().orElse(0) + 1;
        long delay = Math.min(MAX_BACKOFF_MILLIS, 1_000L << Math.min(attempts - 1, 20));
        List<String> locators = job.stream().map(Packs.Pack::locator).toList();
        if (attempts == 1 || attempts % 10 == 0) {
            log.warn("Uploading {} staged blobs failed (attempt {}), retrying in {} s; they stay staged: {}", job.size(),
                    attempts, delay / 1000, e.toString());
        }
        synchronized (this) {
            for (String locator : locators) {
                retryAt.put(locator, clock.millis() + delay);
            }
        }
        generation.incrementAndGet();
        try {
            db.write(c -> {
                Packs.uploadFailed(c, locators, e.toString());
                return null;
            });
        } catch (SQLException again) {
            log.warn("Cannot record the failed upload: {}", again.toString());
        }
    }

    /**
     * The next staged packs to upload together, claimed: a whole chunk alone, or short blobs
     * filling a pack. Short blobs too few to fill a pack wait while more keep coming: until none
     * was staged for {@code linger}, the oldest has waited {@link #maxWaitMillis}, or a flush
     * asks for them. A folder being copied thus goes up in full packs, its rest at the end. Null
     * once stopped.
     */
    private synchronized List<Packs.Pack> next() throws InterruptedException, SQLException {
        while (!stopped) {
            // Writes wake the uploader at every staged blob; looking at most every 50 ms is enough.
            long sinceLook = System.nanoTime() / 1_000_000 - lastLook;
            if (sinceLook < 50 && flushFrom < clock.millis() - 50) {
                wait(50 - sinceLook);
            }
            lastLook = System.nanoTime() / 1_000_000;
            wakeUp = false;
            long now = clock.millis();
            long flushedBefore = Math.max(flushFrom, requestedFlush());
            List<Packs.Pack> small = new ArrayList<>();
            long nextRetry = Long.MAX_VALUE;
            List<Packs.Pack> staged = db.read(c -> Packs.staged(c, ownStaged, CANDIDATES));
            if (!retryAt.isEmpty() && staged.size() < CANDIDATES) {
                // Packs dropped since they failed (their content deleted or replaced) need no retry.
                Set<String> present = new HashSet<>();
                staged.forEach(p -> present.add(p.locator()));
                retryAt.keySet().retainAll(present);
            }
            for (Packs.Pack p : staged) {
                Long at = retryAt.get(p.locator());
                if (claimed.contains(p.locator())) {
                    continue;
                }
                if (at != null && at > now) {
                    nextRetry = Math.min(nextRetry, at);
                    continue;
                }
                if (p.size() >= ALONE * capacity) {
                    return claim(List.of(p));
                }
                small.add(p);
            }
            long waitMillis = Math.min(1_000, nextRetry - now);
            if (!small.isEmpty()) {
                List<Packs.Pack> pack = fill(small);
                long filled = pack.stream().mapToLong(Packs.Pack::size).sum();
                long oldest = small.get(0).createdAt();
                long newest = small.stream().mapToLong(Packs.Pack::createdAt).max().orElse(oldest);
                long due = Math.min(newest + lingerMillis, oldest + maxWaitMillis);
                if (filled >= FULL * capacity || now >= due || oldest <= flushedBefore) {
                    return claim(pack);
                }
                waitMillis = Math.min(waitMillis, due - now);
            }
            if (!wakeUp) {
                wait(Math.max(1, waitMillis));
            }
            drainStagedDeletions();
        }
        return null;
    }

    /**
     * Staged blobs of content deleted or replaced before its upload are deleted from staging at
     * once (a second at most), so that their room comes back even while nothing is uploaded.
     */
    private void drainStagedDeletions() {
        long now = clock.millis();
        if (now - lastDrain < 1_000) {
            return;
        }
        lastDrain = now;
        try {
            collector.drainStaged();
        } catch (SQLException | RuntimeException e) {
            log.debug("Deleting staged blobs of deleted content failed, trying again: {}", e.toString());
        }
    }

    /**
     * Chooses short blobs for one pack: the oldest first, so none waits for ever, then the
     * largest that still fit, so packs come out as full as the staged blobs allow.
     */
    private List<Packs.Pack> fill(List<Packs.Pack> small) {
        List<Packs.Pack> pack = new ArrayList<>();
        pack.add(small.get(0));
        long room = capacity - small.get(0).size();
        List<Packs.Pack> bySize = new ArrayList<>(small.subList(1, small.size()));
        bySize.sort(Comparator.comparingLong(Packs.Pack::size).reversed());
        for (Packs.Pack p : bySize) {
            if (p.size() <= room) {
                pack.add(p);
                room -= p.size();
                if (room == 0) {
                    break;
                }
            }
        }
        return pack;
    }

    private List<Packs.Pack> claim(List<Packs.Pack> job) {
        for (Packs.Pack p : job) {
            claimed.add(p.locator());
        }
        return job;
    }

    private synchronized void release(List<Packs.Pack> job) {
        for (Packs.Pack p : job) {
            claimed.remove(p.locator());
        }
        notifyAll();
    }

    private long requestedFlush() throws SQLException {
        return db.read(c -> Settings.get(c, FLUSH_SETTING)).map(Long::parseLong).orElse(Long.MIN_VALUE);
    }

    /** Keeps an exponentially weighted upload rate, and a copy in the database for 'attache uploads'. */
    private void counted(int bytes) {
        long now = clock.millis();
        boolean persist;
        synchronized (this) {
            bytesUploaded += bytes;
            double seconds = Math.max(0.001, (now - rateUpdatedAt) / 1000.0);
            double instant = bytes / seconds;
            rate = rateUpdatedAt == 0 ? instant : 0.8 * rate + 0.2 * instant;
            persist = now - rateUpdatedAt > 2_000 || rateUpdatedAt == 0;
            rateUpdatedAt = now;
        }
        if (persist) {
            String value = String.valueOf((long) rate);
            try {
                db.writeRelaxed(c -> {
                    Settings.put(c, RATE_SETTING, value);
                    return null;
                });
            } catch (SQLException e) {
                log.debug("Cannot record the upload rate: {}", e.toString());
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops uploading: an upload under way is cut off, and what it was moving stays staged. */
    @Override
    public void close() {
        stopped = true;
        synchronized (this) {
            notifyAll();
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
