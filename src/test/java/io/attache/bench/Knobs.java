package io.attache.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The benchmark's settings, read once from {@code BENCH_*} environment variables; the defaults
 * are the published benchmark, smaller values make a quick trial run.
 *
 * @param sections which parts run: {@code peers} (Attaché beside Apache and rclone), {@code huge}
 *                 (4 GiB PUTs at a small heap), {@code discord} (upload, GET and seeks on the
 *                 emulator), {@code copy} (rclone copies of folders onto Discord-backed Attaché)
 * @param beforeJar an older Attaché to run the peer rows and the copies with as well, or null
 */
record Knobs(Path root, Path jar, Path beforeJar, Set<String> sections, long seed, boolean keep,
             int fileMib, int runs, int rangeReads, int smallFiles, int clients, int listing, int propfindRuns,
             String xmx, int hugeMib, String hugeXmx, int stagingMib,
             int discordChannels, int discordWindows, int discordLatencyMs, long discordBandwidth, int discordSeeks,
             boolean hashPerMajor, int copyFiles, int copyTransfers, int mixedFiles, int mixedMinKib, int mixedMaxKib) {

    static final Set<String> SECTIONS = Set.of("peers", "huge", "discord", "copy");

    static Knobs from(Map<String, String> env, Path root) {
        Path before = env.containsKey("BENCH_BEFORE_JAR") ? Path.of(env.get("BENCH_BEFORE_JAR")).toAbsolutePath() : null;
        if (before != null && !Files.isRegularFile(before)) {
            throw new IllegalArgumentException("BENCH_BEFORE_JAR: no such file: " + before);
        }
        Set<String> sections = new TreeSet<>(Arrays.asList(env.getOrDefault("BENCH_SECTIONS",
                String.join(",", SECTIONS)).split(",")));
        if (!SECTIONS.containsAll(sections)) {
            throw new IllegalArgumentException("BENCH_SECTIONS: a comma-separated choice of " + SECTIONS);
        }
        Knobs knobs = new Knobs(root, root.resolve("target/attache.jar"), before, sections,
                number(env, "BENCH_SEED", 20240601), "1".equals(env.get("BENCH_KEEP")),
                count(env, "BENCH_FILE_MIB", 1024), count(env, "BENCH_RUNS", 5),
                count(env, "BENCH_RANGE_READS", 1000), count(env, "BENCH_SMALL_FILES", 1000),
                count(env, "BENCH_CLIENTS", 8), count(env, "BENCH_LISTING", 2000),
                count(env, "BENCH_PROPFIND_RUNS", 21), env.getOrDefault("BENCH_XMX", "256m"),
                count(env, "BENCH_HUGE_MIB", 4096), env.getOrDefault("BENCH_HUGE_XMX", "192m"),
                count(env, "BENCH_STAGING_MIB", 1024),
                count(env, "BENCH_DISCORD_CHANNELS", 3), count(env, "BENCH_DISCORD_WINDOWS", 3),
                (int) number(env, "BENCH_DISCORD_LATENCY_MS", 30), number(env, "BENCH_DISCORD_BANDWIDTH", 12_500_000),
                count(env, "BENCH_DISCORD_SEEKS", 40), !"0".equals(env.get("BENCH_DISCORD_HASH_PER_MAJOR")),
                count(env, "BENCH_COPY_FILES", 1000), count(env, "BENCH_COPY_TRANSFERS", 4),
                count(env, "BENCH_MIXED_FILES", 500), count(env, "BENCH_MIXED_MIN_KIB", 1),
                count(env, "BENCH_MIXED_MAX_KIB", 8192));
        if (knobs.mixedMinKib > knobs.mixedMaxKib) {
            throw new IllegalArgumentException("BENCH_MIXED_MIN_KIB is above BENCH_MIXED_MAX_KIB");
        }
        return knobs;
    }

    boolean runs(String section) {
        return sections.contains(section);
    }

    private static int count(Map<String, String> env, String name, int fallback) {
        long value = number(env, name, fallback);
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be a positive number: " + env.get(name));
        }
        return (int) value;
    }

    private static long number(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        try {
            return value == null || value.isBlank() ? fallback : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number: " + value);
        }
    }
}
