package io.attache.fs;

import io.attache.meta.Database;
import io.attache.meta.Settings;
import io.attache.store.ChunkStore;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether the server can still do its work: read and write its database, and reach its chunk
 * store. Cheap to ask often: a result is reused for a second or two, at most one check runs at a
 * time (on a thread of its own, so a hanging store cannot hold the asker), and a check that takes
 * longer than its timeout counts as a failure.
 */
public final class HealthCheck {

    private final Database db;
    private final ChunkStore store;
    private final Clock clock;
    private final long reuseNanos;
    private final long timeoutNanos;
    private final Executor checker;
    private Result last;
    private CompletableFuture<Boolean> running;
    private long runningSince;

    private record Result(boolean healthy, long at) {
    }

    public HealthCheck(Database db, ChunkStore store, Clock clock, Duration reuseFor, Duration timeout) {
        this(db, store, clock, reuseFor, timeout, r -> {
            Thread t = new Thread(r, "attache-health");
            t.setDaemon(true);
            t.start();
        });
    }

    /** As above, with the checks run by {@code checker} (each on a thread of its own in the server). */
    HealthCheck(Database db, ChunkStore store, Clock clock, Duration reuseFor, Duration timeout, Executor checker) {
        this.checker = checker;
        this.db = db;
        this.store = store;
        this.clock = clock;
        this.reuseNanos = reuseFor.toNanos();
        this.timeoutNanos = timeout.toNanos();
    }

    /** True when the database and the store answered the last check, taken at most a moment ago. */
    public boolean healthy() {
        long now = System.nanoTime();
        CompletableFuture<Boolean> check;
        Result previous;
        synchronized (this) {
            previous = last;
            if (previous != null && now - previous.at() < reuseNanos) {
                return previous.healthy();
            }
            check = running;
            if (check == null) {
                runningSince = now;
                check = CompletableFuture.supplyAsync(this::check, checker);
                running = check;
                // May run at once, on this thread, when the check has already ended: it then
                // clears running, and this caller still holds its own reference to the check.
                check.whenComplete((ok, failure) -> finished(ok != null && ok));
            }
            if (previous != null && !check.isDone()) {
                // A check is under way: until it answers, the last answer stands, unless it hangs.
                return now - runningSince < timeoutNanos && previous.healthy();
            }
        }
        try {
            return check.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private synchronized void finished(boolean healthy) {
        last = new Result(healthy, System.nanoTime());
        running = null;
    }

    private boolean check() {
        try {
            db.read(c -> Settings.get(c, Settings.KEY_ID));
            db.writeRelaxed(c -> {
                Settings.put(c, "health-checked-at", Long.toString(clock.millis()));
                return null;
            });
            store.getPointer(BackupPointer.NAME);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
