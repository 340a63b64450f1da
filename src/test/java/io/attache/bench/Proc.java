package io.attache.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A process the benchmark started and stops again: a server, the Discord emulator. Its CPU time
 * and peak memory are read from {@code /proc}, summed over the process and its direct children
 * (Apache's workers), as {@code pgrep -P} would find them.
 */
final class Proc {

    private static final long STOP_WAIT_SECONDS = 20;

    private final String name;
    private final Process process;
    private final Path log;

    Proc(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** User plus system CPU time so far, in clock ticks ({@code getconf CLK_TCK} per second). */
    long cpuTicks() {
        return pids().mapToLong(Proc::ticksOf).sum();
    }

    /** The sum of {@code VmHWM} over the process and its children, in KiB (0 once it has exited). */
    long peakRssKib() {
        return pids().mapToLong(Proc::peakRssKibOf).sum();
    }

    /** The process and its children now, by pid. */
    Stream<Long> pids() {
        return Stream.concat(Stream.of(process.pid()), process.toHandle().children().map(ProcessHandle::pid));
    }

    static long ticksOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name in parentheses may hold spaces: count fields after its closing one.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
        } catch (IOException | RuntimeException e) {
            return 0; // exited in the meantime
        }
    }

    static long peakRssKibOf(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // exited in the meantime
        }
        return 0;
    }

    /**
     * SIGTERM, then SIGKILL if the process is still there after {@value #STOP_WAIT_SECONDS} s;
     * children left behind (a server's workers) get the same.
     */
    void stop() {
        List<ProcessHandle> children = process.toHandle().descendants().toList();
        terminate(process.toHandle());
        children.forEach(Proc::terminate);
    }

    private static void terminate(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return;
        }
        handle.destroy();
        try {
            handle.onExit().get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            handle.destroyForcibly();
            try {
                handle.onExit().get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reported by the caller's next check, if it matters
            }
        }
    }

    /** The end of the log, for an error message. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
