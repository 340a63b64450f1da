package io.attache.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Attaché (local store, defaults) beside Apache mod_dav_fs and {@code rclone serve webdav} over
 * crypt, and beside an older Attaché when one is given: the same untimed warm-up for each, then
 * big PUTs and GETs in interleaved rounds whose order rotates, range reads, many small files from
 * parallel clients, PROPFIND of a large folder, and the peak memory of each.
 */
final class PeerComparison {

    /** What one server scored. MB = 10^6 bytes. */
    static final class Figures {
        final List<Double> putRuns = new ArrayList<>();
        final List<Double> getRuns = new ArrayList<>();
        long putTicks;
        long getTicks;
        double putCpuSeconds;
        double getCpuSeconds;
        LoadClient.Ranges ranges;
        double smallFilesPerSecond;
        double allpropMillis;
        long allpropBytes;
        double namedMillis;
        long namedBytes;
        long peakRssMib;

        double put() {
            return Stats.median(putRuns);
        }

        double get() {
            return Stats.median(getRuns);
        }
    }

    static final String ALLPROP = "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\">"
            + "<D:allprop/></D:propfind>";
    static final String NAMED = "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\"><D:prop>"
            + "<D:resourcetype/><D:getcontentlength/><D:getlastmodified/><D:getetag/></D:prop></D:propfind>";
    private static final Pattern RESPONSE = Pattern.compile("<([A-Za-z0-9_]+:)?response[ >]");
    private static final int SMALL = 4096;
    static final int JETTY_WARM_UP = 3000;

    private final Knobs knobs;
    private final Servers servers;
    private final Curl curl;
    private final Processes processes;
    private final Path shm;
    private final long ticksPerSecond;
    private final Map<String, Figures> figures = new LinkedHashMap<>();
    /** Per server id, the highest VmHWM seen of each of its processes (workers may come and go). */
    private final Map<String, Map<Long, Long>> peakKib = new HashMap<>();

    PeerComparison(Knobs knobs, Servers servers, Curl curl, Processes processes, Path shm, long ticksPerSecond) {
        this.knobs = knobs;
        this.servers = servers;
        this.curl = curl;
        this.processes = processes;
        this.shm = shm;
        this.ticksPerSecond = ticksPerSecond;
    }

    /** Runs every measurement; the map is by server id ({@code attache}, {@code before}, {@code apache}, {@code rclone}). */
    Map<String, Figures> run(Path source, String sourceSha) throws IOException {
        List<Server> list = new ArrayList<>();
        try {
            list.add(servers.attache("attache", Servers.ATTACHE_LABEL, knobs.jar(), knobs.xmx(), Map.of()));
            if (knobs.beforeJar() != null) {
                list.add(servers.attache("before", Servers.BEFORE_LABEL, knobs.beforeJar(), knobs.xmx(), Map.of()));
            }
            list.add(servers.apache());
            list.add(servers.rcloneCrypt());
            for (Server s : list) {
                figures.put(s.id(), new Figures());
                Bench.say("serving " + s.label() + " on " + s.url() + " (" + s.proc() + ")");
            }
            // VmHWM only grows, so the last sample of each pid is its peak; a server's peak is the
            // sum over its processes (for Apache an upper bound: shared pages count once per process).
            try (Sampler ignored = Sampler.start("bench-rss", Duration.ofSeconds(1), 7200, () -> sampleRss(list))) {
                warmUp(list, source);
                bigFile(list, source, sourceSha);
                rangeReads(list, source);
                smallFiles(list);
                propfind(list);
            }
            sampleRss(list);
            for (Server s : list) {
                figures.get(s.id()).peakRssMib = Math.round(peakKib.getOrDefault(s.id(), Map.of()).values().stream()
                        .mapToLong(Long::longValue).sum() / 1024.0);
            }
        } finally {
            for (Server s : list) {
                servers.stop(s);
                BenchData.deleteTree(s.dir());
            }
        }
        return figures;
    }

    private synchronized void sampleRss(List<Server> list) {
        for (Server s : list) {
            Map<Long, Long> peaks = peakKib.computeIfAbsent(s.id(), k -> new HashMap<>());
            s.proc().pids().forEach(pid -> peaks.merge(pid, Proc.peakRssKibOf(pid), Math::max));
        }
    }

    /**
     * The same untimed warm-up for every server before anything is measured: one PUT and two GETs
     * of the big file, small uploads and 30 listings of each kind. It matters for the JVM's JIT
     * only (a cold Attaché encrypts through the JDK's interpreted GHASH until C2 compiles it); the
     * others pay it too.
     */
    private void warmUp(List<Server> list, Path source) throws IOException {
        for (Server s : list) {
            expect(s, "warm-up PUT", curl.put(s, "big.bin", source), 201);
            curl.get(s, "big.bin", Path.of("/dev/null"));
            curl.get(s, "big.bin", Path.of("/dev/null"));
            curl.mkcol(s, "warmup/");
            try {
                LoadClient.upload(s.resolve("warmup/"), s.authorization(), 300, SMALL, knobs.clients(), knobs.seed() + 2);
            } catch (InterruptedException e) {
                throw interrupted(e);
            }
            for (int i = 0; i < 30; i++) {
                curl.propfind(s, "warmup/", "1", ALLPROP, Path.of("/dev/null"));
                curl.propfind(s, "warmup/", "1", NAMED, Path.of("/dev/null"));
            }
            Bench.say("warmed up " + s.label());
        }
    }

    /**
     * The big file, PUT and GET, interleaved across servers so that load from elsewhere on the
     * machine spreads over all of them. Every GET lands in /dev/shm and its SHA-256 is checked
     * after the clock stopped.
     */
    private void bigFile(List<Server> list, Path source, String sourceSha) throws IOException {
        long bytes = Files.size(source);
        for (int run = 1; run <= knobs.runs(); run++) {
            for (Server s : Stats.rotated(list, run)) {
                Figures f = figures.get(s.id());
                sync();
                long ticks = s.proc().cpuTicks();
                Curl.Transfer t = curl.put(s, "big.bin", source);
                f.putTicks += s.proc().cpuTicks() - ticks;
                expect(s, "PUT big.bin", t, 201, 204);
                f.putRuns.add(Stats.megabytesPerSecond(bytes, t.seconds()));
                Bench.say("PUT  " + run + " " + s.label() + ": " + t.seconds() + " s");
            }
        }
        Path received = shm.resolve("get.bin");
        for (int run = 1; run <= knobs.runs(); run++) {
            for (Server s : Stats.rotated(list, run)) {
                Figures f = figures.get(s.id());
                sync();
                long ticks = s.proc().cpuTicks();
                Curl.Transfer t = curl.get(s, "big.bin", received);
                f.getTicks += s.proc().cpuTicks() - ticks;
                expect(s, "GET big.bin", t, 200);
                if (!BenchData.sha256(received).equals(sourceSha)) {
                    throw new IOException(s.label() + " GET big.bin: SHA-256 differs");
                }
                Files.delete(received);
                f.getRuns.add(Stats.megabytesPerSecond(bytes, t.seconds()));
                Bench.say("GET  " + run + " " + s.label() + ": " + t.seconds() + " s, SHA-256 ok");
            }
        }
        for (Figures f : figures.values()) {
            f.putCpuSeconds = (double) f.putTicks / ticksPerSecond / knobs.runs();
            f.getCpuSeconds = (double) f.getTicks / ticksPerSecond / knobs.runs();
        }
    }

    private void rangeReads(List<Server> list, Path source) throws IOException {
        for (Server s : list) {
            sync();
            LoadClient.Ranges r = LoadClient.ranges(s.resolve("big.bin"), s.authorization(), source,
                    knobs.rangeReads(), 300, knobs.seed());
            figures.get(s.id()).ranges = r;
            Bench.say(String.format("ranges %s: p50 %.3f ms, p99 %.3f ms, %.1f reads/s", s.label(), r.p50Millis(),
                    r.p99Millis(), r.readsPerSecond()));
        }
    }

    private void smallFiles(List<Server> list) throws IOException {
        for (Server s : list) {
            curl.mkcol(s, "small/");
            sync();
            try {
                LoadClient.Upload u = LoadClient.upload(s.resolve("small/"), s.authorization(), knobs.smallFiles(),
                        SMALL, knobs.clients(), knobs.seed());
                figures.get(s.id()).smallFilesPerSecond = u.filesPerSecond();
                Bench.say(String.format("small files %s: %.1f files/s", s.label(), u.filesPerSecond()));
            } catch (InterruptedException e) {
                throw interrupted(e);
            }
        }
        jettyFloor();
    }

    /**
     * The same small uploads against Jetty alone ({@link JettyFloor}), under id {@code jetty}: the
     * most a server built on Jetty could reach with this client on these cores. It gets a longer
     * warm-up than the servers above (its JIT then has nothing left to compile), so that the floor
     * is not understated.
     */
    private void jettyFloor() throws IOException {
        Server floor = servers.jettyFloor(knobs.xmx());
        try {
            LoadClient.upload(floor.resolve("warmup/"), null, JETTY_WARM_UP, SMALL, knobs.clients(), knobs.seed() + 2);
            sync();
            LoadClient.Upload u = LoadClient.upload(floor.resolve("small/"), null, knobs.smallFiles(), SMALL,
                    knobs.clients(), knobs.seed());
            Figures f = new Figures();
            f.smallFilesPerSecond = u.filesPerSecond();
            figures.put(floor.id(), f);
            Bench.say(String.format("small files %s: %.1f files/s", floor.label(), u.filesPerSecond()));
        } catch (InterruptedException e) {
            throw interrupted(e);
        } finally {
            servers.stop(floor);
            BenchData.deleteTree(floor.dir());
        }
    }

    private void propfind(List<Server> list) throws IOException {
        for (Server s : list) {
            curl.mkcol(s, "listing/");
            try {
                LoadClient.upload(s.resolve("listing/"), s.authorization(), knobs.listing(), SMALL, knobs.clients(),
                        knobs.seed() + 1);
            } catch (InterruptedException e) {
                throw interrupted(e);
            }
        }
        sync();
        for (String body : List.of(ALLPROP, NAMED)) {
            Map<String, List<Double>> times = new HashMap<>();
            // Round-robin over the servers, so a burst of load elsewhere hits all of them alike;
            // round 0 is a warm-up.
            for (int run = 0; run <= knobs.propfindRuns(); run++) {
                for (Server s : Stats.rotated(list, run)) {
                    Curl.Transfer t = propfindOnce(s, body);
                    if (run == 0) {
                        continue;
                    }
                    times.computeIfAbsent(s.id(), k -> new ArrayList<>()).add(t.seconds() * 1000);
                    Figures f = figures.get(s.id());
                    if (body.equals(ALLPROP)) {
                        f.allpropBytes = t.bytes();
                    } else {
                        f.namedBytes = t.bytes();
                    }
                }
            }
            for (Server s : list) {
                Figures f = figures.get(s.id());
                double millis = Stats.median(times.get(s.id()));
                if (body.equals(ALLPROP)) {
                    f.allpropMillis = millis;
                } else {
                    f.namedMillis = millis;
                }
                Bench.say("PROPFIND " + (body.equals(ALLPROP) ? "allprop " : "named ") + s.label() + ": "
                        + String.format("%.1f ms", millis));
            }
        }
    }

    /** One PROPFIND Depth 1 of the listing folder; checks the status and that every file is in the answer. */
    private Curl.Transfer propfindOnce(Server s, String body) throws IOException {
        Path out = shm.resolve("propfind.xml");
        Curl.Transfer t = curl.propfind(s, "listing/", "1", body, out);
        expect(s, "PROPFIND", t, 207);
        long responses = RESPONSE.matcher(Files.readString(out)).results().count();
        if (responses != knobs.listing() + 1) {
            throw new IOException(s.label() + " PROPFIND: " + responses + " responses, expected " + (knobs.listing() + 1));
        }
        return t;
    }

    private void sync() throws IOException {
        processes.check(List.of("sync"), Map.of(), Duration.ofMinutes(5));
    }

    static void expect(Server s, String what, Curl.Transfer t, int... statuses) throws IOException {
        for (int status : statuses) {
            if (t.status() == status) {
                return;
            }
        }
        throw new IOException(s.label() + " " + what + ": status " + t.status());
    }

    static IOException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new IOException("interrupted", e);
    }
}
