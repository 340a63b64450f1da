package io.attache.bench;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The side-by-side benchmark behind {@code bench/run.sh}: Attaché against Apache mod_dav_fs and
 * {@code rclone serve webdav} over crypt, Attaché alone with huge PUTs and on the Discord
 * emulator, and folders copied with rclone onto Discord-backed Attaché, all on 127.0.0.1 in one
 * run. Prints one Markdown report and writes it to {@code bench/results/<date>.md}; every
 * process it starts is stopped on exit, also on failure. What each row means: README, section
 * "Performance"; the settings: {@link Knobs}.
 *
 * <p>It runs on the test classpath (for the emulator, which is test code on Jetty) but uses the
 * JDK only itself; the servers, the emulator, curl and rclone run as processes of their own.
 *
 * <pre>java -cp target/test-classes:target/classes:DEPENDENCIES io.attache.bench.Bench ROOT</pre>
 */
public final class Bench {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Bench() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: Bench PROJECT_ROOT (bench/run.sh runs it)");
            System.exit(2);
        }
        try {
            run(Knobs.from(System.getenv(), Path.of(args[0]).toAbsolutePath().normalize()));
        } catch (Exception e) {
            say("FAILED: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static void say(String message) {
        System.err.printf("[bench %s] %s%n", LocalTime.now().format(CLOCK), message);
    }

    private static void run(Knobs knobs) throws IOException {
        String loadBefore = loadAverage();
        Path work = Files.createTempDirectory(Path.of("/tmp"), "attache-bench.");
        Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "attache-bench.");
        // Apache's workers run as www-data and must reach their folder.
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Processes processes = new Processes(work.resolve("logs"));
        // On Ctrl-C or SIGTERM the main thread never reaches its finally block.
        Thread hook = new Thread(() -> finish(knobs, processes, work, shm), "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            checkSpace(knobs, work, shm);
            Servers servers = new Servers(processes, work);
            Curl curl = new Curl(processes, servers.netrc());
            long hz = Long.parseLong(processes.check(List.of("getconf", "CLK_TCK"), Map.of(), Duration.ofSeconds(10))
                    .out().trim());

            Map<String, PeerComparison.Figures> peers = null;
            if (knobs.runs("peers")) {
                say("writing the " + knobs.fileMib() + " MiB source file");
                Path source = shm.resolve("source.bin");
                String sha = BenchData.generate(source, knobs.fileMib() * 1024L * 1024, knobs.seed());
                peers = new PeerComparison(knobs, servers, curl, processes, shm, hz).run(source, sha);
                Files.delete(source);
            }
            List<HugePut.Figures> huge = knobs.runs("huge") ? new HugePut(knobs, servers).run() : null;
            DiscordStore.Figures discord = knobs.runs("discord") ? new DiscordStore(knobs, servers, curl, work).run() : null;
            List<FolderCopy.Figures> copies = knobs.runs("copy") ? new FolderCopy(knobs, servers, processes, work).run()
                    : null;

            Report.Machine machine = machine(knobs, processes, work, loadBefore);
            String report = Report.render(knobs, machine, new Report.Results(peers, huge, discord, copies));
            Path results = Files.createDirectories(knobs.root().resolve("bench/results"));
            Path file = results.resolve(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmm")) + ".md");
            Files.writeString(file, report);
            System.out.print(report);
            System.out.flush();
            say("written to " + file);
        } finally {
            finish(knobs, processes, work, shm);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already: the hook finds nothing left to do
            }
        }
    }

    /** Stops every process still running and removes the temporary directories (unless kept). */
    private static synchronized void finish(Knobs knobs, Processes processes, Path work, Path shm) {
        processes.close();
        if (knobs.keep()) {
            say("kept " + work + " and " + shm);
            return;
        }
        try {
            BenchData.deleteTree(work);
            BenchData.deleteTree(shm);
        } catch (IOException e) {
            say("could not remove " + work + " or " + shm + ": " + e);
        }
    }

    /** Room for the big file's versions in every Attaché, the huge PUTs, the Discord source and the trees. */
    private static void checkSpace(Knobs knobs, Path work, Path shm) throws IOException {
        long gib = 1L << 30;
        long mib = 1L << 20;
        int attaches = knobs.beforeJar() == null ? 1 : 2;
        long need = 2 * gib;
        if (knobs.runs("peers")) {
            need += knobs.fileMib() * mib * (knobs.runs() + 2) * (attaches + 2);
        }
        if (knobs.runs("huge")) {
            need += knobs.hugeMib() * mib;
        }
        if (knobs.runs("discord")) {
            need += (knobs.discordWindows() + 1) * knobs.discordChannels() * 5L * DiscordStore.PLAIN_CHUNK * 2;
        }
        if (knobs.runs("copy")) {
            need += 3L * knobs.mixedFiles() * knobs.mixedMaxKib() * 1024 / 8;
        }
        long shmNeed = knobs.runs("peers") ? 2 * knobs.fileMib() * mib + gib / 4 : 0;
        FileStore disk = Files.getFileStore(work);
        FileStore memory = Files.getFileStore(shm);
        say(String.format("disk: %d GiB free for server data (need %d GiB), %d GiB in /dev/shm (need %d GiB)",
                disk.getUsableSpace() / gib, need / gib + 1, memory.getUsableSpace() / gib, shmNeed / gib + 1));
        if (disk.getUsableSpace() < need) {
            throw new IOException("not enough space under " + work.getParent());
        }
        if (memory.getUsableSpace() < shmNeed) {
            throw new IOException("not enough space in /dev/shm");
        }
    }

    private static Report.Machine machine(Knobs knobs, Processes processes, Path work, String loadBefore)
            throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        long memKib = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0);
        String hardware = String.format("%d cores (%s), %d GiB RAM, Linux %s", Runtime.getRuntime().availableProcessors(),
                cpu, Math.round(memKib / 1048576.0), Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
        Duration t = Duration.ofSeconds(30);
        String revision = first(processes.run(List.of("git", "-C", knobs.root().toString(), "rev-parse", "--short", "HEAD"),
                Map.of(), t).out());
        boolean changed = processes.run(List.of("git", "-C", knobs.root().toString(), "diff", "--quiet", "HEAD", "--",
                "src", "pom.xml"), Map.of(), t).exit() != 0;
        String before = knobs.beforeJar() == null ? null : knobs.beforeJar() + " (SHA-256 "
                + BenchData.sha256(knobs.beforeJar()).substring(0, 12) + ")";
        String apache = first(processes.run(List.of("apache2", "-v"), Map.of(), t).out()).replaceFirst("^Server version: ", "");
        String rclone = first(processes.run(List.of("rclone", "version"), Map.of(), t).out());
        return new Report.Machine(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                hardware, loadBefore, loadAverage(), revision + (changed ? "+changes" : ""), before,
                "OpenJDK " + System.getProperty("java.runtime.version"), apache, rclone, work.getParent().toString());
    }

    private static String first(String text) {
        return text.lines().findFirst().orElse("").trim();
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }
}
