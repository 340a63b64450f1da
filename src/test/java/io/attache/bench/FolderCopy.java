package io.attache.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A folder dragged onto the drive, as a new user would do it: {@code rclone copy --transfers 4}
 * (real rclone, a webdav remote of vendor "other" pointing at Attaché) of many small files, and
 * of a mixed tree, onto an Attaché whose store is the Discord emulator (Discord's limits, fresh
 * for each copy) with its defaults for Discord; then {@code attache flush}, the real command, on
 * the running server's data directory with the same settings. The emulator counts the attachments
 * it received. Both trees are also copied onto an Attaché on the local store, the yardstick for the
 * copy's time: rclone paces its own requests (at most one every 10 ms in Debian's 1.60, which has
 * no flag to change that), so its copy of many files takes as long onto the local disk. The mixed
 * tree is copied a second time by the benchmark's load client ({@link LoadClient#tree}, as many
 * parallel PUTs as rclone's transfers, no pacer), which shows how close the server's own pipeline
 * comes to Discord's byte ceiling. A copy is checked afterwards by {@code rclone check --download},
 * which reads every file back through Attaché.
 *
 * <p>Like the servers of the side-by-side rows, every server (and the emulator) first gets an
 * untimed warm-up: a small mixed tree copied by the load client and flushed, then a pause until
 * Discord's rate-limit windows have passed, so the timed copy starts with full buckets, as a
 * server that has been running does. A fresh JVM's first uploads are several times slower (the
 * JIT has not compiled the paths yet), which would otherwise weigh on a copy of 15 s.
 *
 * <p>An older jar without {@code attache flush} (before write-back) writes through: its copy
 * returns when everything is in the store, and there is nothing to flush.
 */
final class FolderCopy {

    /** Discord's attachment limit, the unit of the byte ceiling. */
    static final long ATTACHMENT = 10L * 1024 * 1024;
    private static final Duration COPY_TIMEOUT = Duration.ofHours(2);
    /** The warm-up tree: enough files for a few full packs. */
    private static final int WARM_UP_FILES = 40;
    /** Longer than Discord's message window (5 messages per 5 s), so the buckets are full again. */
    private static final long RATE_WINDOW_MILLIS = 5_500;

    /**
     * One copy onto the Discord-backed server.
     *
     * @param localSeconds the same copy onto a local-store Attaché (NaN when not measured)
     * @param flushSeconds how long {@code attache flush} took (NaN: the jar writes through)
     * @param attachments  messages the emulator created from the copy's start until flushed
     */
    record Copy(String label, int files, long bytes, double copySeconds, double localSeconds, double flushSeconds,
                double toFlushedSeconds, long attachments, long rateLimited) {

        /** Copy on Discord ÷ the same copy on the local store. */
        double slowdown() {
            return Stats.ratio(copySeconds, localSeconds);
        }

        /** 1.1 × ⌈total bytes / 10 MiB⌉: the attachments a tightly packed upload needs, and 10% more. */
        double attachmentBound() {
            return 1.1 * Math.ceil((double) bytes / ATTACHMENT);
        }

        /** The fastest time Discord's limits allow: total bytes / (channels × 5 × 10 MiB per 5 s). */
        double ceilingSeconds(int channels) {
            return bytes / (channels * 5.0 * ATTACHMENT / 5.0);
        }

        /** The time from the copy's start to flushed, as a fraction of that ceiling (1 = at the ceiling). */
        double ceilingFraction(int channels) {
            return Stats.ratio(ceilingSeconds(channels), toFlushedSeconds);
        }
    }

    /** The copies made with one jar: many small files, and the mixed tree by rclone and by the load client. */
    record Figures(String label, Copy small, Copy mixed, Copy mixedDirect) {
    }

    /** A way to copy a local tree into a new folder of a server; returns the seconds it took. */
    private interface Copier {
        double copy(Server server, Path tree, String target) throws IOException;
    }

    private final Knobs knobs;
    private final Servers servers;
    private final Processes processes;
    private final Path work;
    private Path warmUp;

    FolderCopy(Knobs knobs, Servers servers, Processes processes, Path work) {
        this.knobs = knobs;
        this.servers = servers;
        this.processes = processes;
        this.work = work;
    }

    /** The copies with the jar under test, then with the older jar if there is one. */
    List<Figures> run() throws IOException {
        Path small = work.resolve("copy-small");
        Path mixed = work.resolve("copy-mixed");
        long smallBytes = BenchData.writeFlat(small, knobs.copyFiles(), 4096, knobs.seed() + 4);
        long mixedBytes = BenchData.writeTree(mixed, BenchData.logUniformSizes(knobs.mixedFiles(),
                knobs.mixedMinKib() * 1024L, knobs.mixedMaxKib() * 1024L, knobs.seed() + 5), knobs.seed() + 6);
        warmUp = work.resolve("copy-warm-up");
        BenchData.writeTree(warmUp, BenchData.logUniformSizes(WARM_UP_FILES, knobs.mixedMinKib() * 1024L,
                knobs.mixedMaxKib() * 1024L, knobs.seed() + 7), knobs.seed() + 8);
        Bench.say("copies: " + knobs.copyFiles() + " files of 4 KiB; a mixed tree of " + knobs.mixedFiles()
                + " files, " + mixedBytes + " bytes");
        try {
            List<Figures> figures = new ArrayList<>();
            figures.add(copies(Servers.ATTACHE_LABEL, knobs.jar(), small, smallBytes, mixed, mixedBytes));
            if (knobs.beforeJar() != null) {
                figures.add(copies(Servers.BEFORE_LABEL, knobs.beforeJar(), small, smallBytes, mixed, mixedBytes));
            }
            return figures;
        } finally {
            BenchData.deleteTree(small);
            BenchData.deleteTree(mixed);
            BenchData.deleteTree(warmUp);
        }
    }

    private Figures copies(String label, Path jar, Path small, long smallBytes, Path mixed, long mixedBytes)
            throws IOException {
        boolean writeBack = hasFlush(jar);
        Server local = servers.attache("copy-local", label + ", local store", jar, knobs.xmx(), Map.of());
        double smallLocal;
        double mixedLocal;
        try {
            loadClient(local, warmUp, "warm-up");
            smallLocal = rclone(local, small, "small");
            check(local, small, "small");
            mixedLocal = rclone(local, mixed, "mixed");
            check(local, mixed, "mixed");
        } finally {
            servers.stop(local);
            BenchData.deleteTree(local.dir());
        }
        Bench.say(String.format("%s: onto the local store, %d small files in %.1f s, the mixed tree in %.1f s", label,
                knobs.copyFiles(), smallLocal, mixedLocal));
        Copy smallCopy = toDiscord(label, jar, writeBack, small, knobs.copyFiles(), smallBytes, smallLocal, this::rclone);
        Copy mixedCopy = toDiscord(label, jar, writeBack, mixed, knobs.mixedFiles(), mixedBytes, mixedLocal, this::rclone);
        Copy mixedDirect = toDiscord(label, jar, writeBack, mixed, knobs.mixedFiles(), mixedBytes, Double.NaN,
                this::loadClient);
        return new Figures(label, smallCopy, mixedCopy, mixedDirect);
    }

    private Copy toDiscord(String label, Path jar, boolean writeBack, Path tree, int files, long bytes,
                           double localSeconds, Copier copier) throws IOException {
        Emulator emulator = servers.emulator(knobs);
        Server server = null;
        try {
            Map<String, String> settings = new HashMap<>(emulator.environment());
            settings.put("ATTACHE_STORE", "discord");
            server = servers.attache("copy-discord", label + ", Discord", jar, knobs.xmx(), settings);
            List<String> flush = List.of(servers.java(), "-jar", jar.toString(), "flush", "--timeout", "30m",
                    "--data-dir", server.dir().resolve("data").toString());
            loadClient(server, warmUp, "warm-up");
            if (writeBack) {
                processes.check(flush, settings, Duration.ofMinutes(35));
            }
            pause(RATE_WINDOW_MILLIS);
            String target = tree.getFileName().toString();
            long messages0 = emulator.counter("messagesCreated");
            long limited0 = emulator.counter("rateLimited");
            long start = System.nanoTime();
            double copySeconds = copier.copy(server, tree, target);
            double flushSeconds = Double.NaN;
            if (writeBack) {
                flushSeconds = processes.check(flush, settings, Duration.ofMinutes(35)).seconds();
            }
            double toFlushed = (System.nanoTime() - start) / 1e9;
            long attachments = emulator.counter("messagesCreated") - messages0;
            long limited = emulator.counter("rateLimited") - limited0;
            Copy copy = new Copy(label, files, bytes, copySeconds, localSeconds, flushSeconds, toFlushed, attachments,
                    limited);
            Bench.say(String.format("%s: %d files (%d bytes) onto Discord: copy %.1f s, %s, %d attachments, %d answers 429",
                    label, files, bytes, copySeconds, writeBack ? String.format("flush %.1f s", flushSeconds)
                            : "nothing to flush", attachments, limited));
            check(server, tree, target);
            return copy;
        } finally {
            if (server != null) {
                servers.stop(server);
                BenchData.deleteTree(server.dir());
            }
            servers.stop(emulator);
        }
    }

    /** {@code rclone copy --transfers N} of a local tree into a folder of the server. */
    private double rclone(Server server, Path tree, String target) throws IOException {
        Processes.Result result = rclone(server, List.of("copy", tree.toString(), "attache:" + target,
                "--transfers", Integer.toString(knobs.copyTransfers())));
        if (result.exit() != 0) {
            throw new IOException("rclone copy onto " + server.label() + ": exit " + result.exit() + "\n" + result.err());
        }
        return result.seconds();
    }

    /** The load client's copy of a local tree, as many parallel PUTs as rclone's transfers. */
    private double loadClient(Server server, Path tree, String target) throws IOException {
        try {
            return LoadClient.tree(server.resolve(target + "/"), server.authorization(), tree, knobs.copyTransfers())
                    .seconds();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Every file of the tree is on the server with the same bytes, read back through it. */
    private void check(Server server, Path tree, String target) throws IOException {
        Processes.Result result = rclone(server, List.of("check", "--one-way", "--download", tree.toString(),
                "attache:" + target));
        if (result.exit() != 0) {
            throw new IOException("rclone check against " + server.label() + ": exit " + result.exit() + "\n"
                    + result.err());
        }
    }

    /**
     * rclone with a webdav remote {@code attache:} for the server. {@code --retries 1}: a copy that
     * needed a second pass would hide a failure and blur the time, so it fails the benchmark.
     */
    private Processes.Result rclone(Server server, List<String> args) throws IOException {
        Path dir = Files.createDirectories(work.resolve("rclone-client"));
        Path conf = Files.writeString(dir.resolve("rclone.conf"), "[attache]\ntype = webdav\nurl = " + server.url()
                + "\nvendor = other\nuser = " + Servers.USER + "\npass = " + servers.obscuredPassword() + "\n");
        List<String> command = new ArrayList<>(List.of("rclone", "--config", conf.toString(), "--cache-dir",
                dir.resolve("cache").toString(), "--retries", "1"));
        command.addAll(args);
        return processes.run(command, Map.of(), COPY_TIMEOUT);
    }

    private static void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Whether the jar knows {@code attache flush}, i.e. has write-back. */
    private boolean hasFlush(Path jar) throws IOException {
        return processes.check(List.of(servers.java(), "-jar", jar.toString(), "--help"), Map.of(),
                Duration.ofMinutes(1)).out().contains("flush");
    }
}
