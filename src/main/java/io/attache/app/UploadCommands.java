package io.attache.app;

import io.attache.config.Config;
import io.attache.config.ConfigException;
import io.attache.config.Values;
import io.attache.fs.Uploader;
import io.attache.meta.Packs;
import io.attache.meta.Settings;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code attache uploads} and {@code attache flush}: what write-back still has to push to the
 * store, and waiting until it has. Both work beside a running server (they read the database it
 * writes, and flush asks its uploader through the database); with no server running, flush runs
 * an uploader of its own.
 */
final class UploadCommands {

    private static final long POLL_MILLIS = 250;

    private final Config config;
    private final PrintStream out;
    private final PrintStream err;

    UploadCommands(Config config, PrintStream out, PrintStream err) {
        this.config = config;
        this.out = out;
        this.err = err;
    }

    int uploads(Main.Args args) throws Exception {
        args.expect(1, "uploads");
        try (Attache attache = Attache.open(config)) {
            Packs.StagedSummary s = attache.db.read(Packs::stagedSummary);
            long rate = attache.db.read(c -> Settings.get(c, Uploader.RATE_SETTING)).map(Long::parseLong).orElse(0L);
            if (config.packing().writeBack() != Config.WriteBack.ON && s.packs() == 0) {
                out.println("write-back is off: every write is in the store when it is acknowledged; nothing pending");
                return 0;
            }
            long now = System.currentTimeMillis();
            out.printf("pending:   %d files, %s in %d staged blobs%n", s.files(), human(s.bytes()), s.packs());
            if (s.packs() > 0) {
                out.printf("oldest:    staged %s ago%n", duration(now - s.oldestCreatedAt()));
                out.printf("estimated: %s%n", rate > 0 ? duration(s.bytes() * 1000 / rate) + " at " + human(rate) + "/s"
                        : "unknown (no upload finished yet)");
            }
            if (attache.staging != null) {
                out.printf("staging:   %s of %s used (%s)%n", human(attache.staging.usedBytes()),
                        human(attache.staging.maxBytes()), config.packing().stagingDir());
            }
            if (s.lastError() != null) {
                out.printf("failing:   %d attempts, last error: %s%n", s.attempts(), s.lastError());
            }
            return 0;
        }
    }

    int flush(Main.Args args) throws Exception {
        args.expect(1, "flush [--timeout DURATION]");
        Duration timeout = args.value("--timeout").map(UploadCommands::duration).orElse(null);
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try (Attache attache = Attache.open(config)) {
            long requested = System.currentTimeMillis();
            if (attache.tryLockDataDirectory()) {
                if (attache.uploader == null) {
                    out.println("write-back is off: nothing to flush");
                    return 0;
                }
                attache.collector.recoverAbandonedWrites(requested);
                attache.recoverStaging();
                attache.uploader.start();
                attache.uploader.flush();
            } else {
                attache.db.write(c -> {
                    Settings.put(c, Uploader.FLUSH_SETTING, Long.toString(requested));
                    return null;
                });
            }
            long[] start = attache.db.read(c -> Packs.stagedBefore(c, requested));
            ProgressBar bar = new ProgressBar(err, "uploading");
            while (true) {
                long[] left = attache.db.read(c -> Packs.stagedBefore(c, requested));
                bar.update(Math.max(0, start[1] - left[1]), start[1]);
                if (left[0] == 0) {
                    bar.done();
                    out.printf("flushed: %s in %d staged blobs are in the store%n", human(start[1]), start[0]);
                    return 0;
                }
                if (System.nanoTime() > deadline) {
                    bar.done();
                    Packs.StagedSummary s = attache.db.read(Packs::stagedSummary);
                    err.printf("attache: %s in %d staged blobs still pending after %s%s%n", human(left[1]), left[0],
                            duration(timeout.toMillis()), s.lastError() == null ? "" : "; last error: " + s.lastError());
                    return 1;
                }
                Thread.sleep(POLL_MILLIS);
            }
        }
    }

    private static Duration duration(String value) {
        try {
            return Values.duration("--timeout", value);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String duration(long millis) {
        long seconds = Math.max(0, millis) / 1000;
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }
}
