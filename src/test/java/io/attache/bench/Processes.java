package io.attache.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Every process the benchmark starts goes through here: servers with {@link #start}, commands it
 * waits for with {@link #run}. Whatever is still running is stopped by {@link #close}, which the
 * benchmark calls at the end, after a failure, and from its shutdown hook on Ctrl-C or SIGTERM;
 * once closed, nothing new starts.
 *
 * <p>Children get the caller's environment without any {@code ATTACHE_*} setting (Attaché runs on
 * its defaults unless a row says otherwise), plus what the caller passes.
 */
final class Processes implements AutoCloseable {

    /** What a command printed and how it ended. */
    record Result(int exit, String out, String err, double seconds) {
    }

    private final Path logs;
    private final List<Proc> running = new ArrayList<>();
    /** Commands being waited for, killed by {@link #close} too (a copy or a download can take minutes). */
    private final Set<Process> commands = new HashSet<>();
    private boolean closed;
    private int sequence;

    Processes(Path logs) throws IOException {
        this.logs = Files.createDirectories(logs);
    }

    /** Starts a long-running process; its standard output and error go to {@code <logs>/<name>.log}. */
    synchronized Proc start(String name, List<String> command, Map<String, String> env) throws IOException {
        Path log = logs.resolve(name + ".log");
        ProcessBuilder builder = builder(command, env).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Proc proc = new Proc(name, startOpen(builder), log);
        running.add(proc);
        return proc;
    }

    /** Starts a process whose standard output goes to {@code stdout} and standard error to its log. */
    synchronized Proc start(String name, List<String> command, Map<String, String> env, Path stdout)
            throws IOException {
        Path log = logs.resolve(name + ".log");
        ProcessBuilder builder = builder(command, env).redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Proc proc = new Proc(name, startOpen(builder), log);
        running.add(proc);
        return proc;
    }

    /** Stops one process started here. */
    void stop(Proc proc) {
        proc.stop();
        synchronized (this) {
            running.remove(proc);
        }
    }

    /** Runs a command to its end, with nothing on its standard input. */
    Result run(List<String> command, Map<String, String> env, Duration timeout) throws IOException {
        return run(command, env, null, 0, timeout);
    }

    /**
     * Runs a command to its end. With {@code stdin} set, the first {@code stdinBytes} bytes of that
     * file (all of it for -1) are fed to its standard input. A command still running after
     * {@code timeout} is killed and counts as a failure.
     */
    Result run(List<String> command, Map<String, String> env, Path stdin, long stdinBytes, Duration timeout)
            throws IOException {
        int n;
        synchronized (this) {
            n = ++sequence;
        }
        Path out = logs.resolve("run-" + n + ".out");
        Path err = logs.resolve("run-" + n + ".err");
        ProcessBuilder builder = builder(command, env).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        } else if (stdinBytes < 0) {
            builder.redirectInput(stdin.toFile());
        }
        long start = System.nanoTime();
        Process process;
        synchronized (this) {
            process = startOpen(builder);
            commands.add(process);
        }
        try {
            if (stdin != null && stdinBytes >= 0) {
                feed(process, stdin, stdinBytes);
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IOException(command.get(0) + " still running after " + timeout + ": " + command);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), seconds);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        } finally {
            synchronized (this) {
                commands.remove(process);
            }
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Like {@link #run}, but a non-zero exit is an error that quotes the command's standard error. */
    Result check(List<String> command, Map<String, String> env, Duration timeout) throws IOException {
        Result result = run(command, env, timeout);
        if (result.exit() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + result.exit() + "\n" + result.err()
                    + result.out());
        }
        return result;
    }

    /** Writes a file's first bytes to the process's standard input, as {@code head -c N FILE |} would. */
    private static void feed(Process process, Path file, long bytes) throws IOException {
        try (FileChannel source = FileChannel.open(file); OutputStream in = process.getOutputStream()) {
            InputStream limited = Channels.newInputStream(source);
            byte[] buffer = new byte[1 << 20];
            for (long left = bytes; left > 0; ) {
                int n = limited.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException(file + " is shorter than " + bytes + " bytes");
                }
                in.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    /** Starts a process unless {@link #close} has run (the benchmark is on its way out). Holds the lock. */
    private Process startOpen(ProcessBuilder builder) throws IOException {
        if (closed) {
            throw new IOException("stopping: not starting " + builder.command().get(0));
        }
        return builder.start();
    }

    private static ProcessBuilder builder(List<String> command, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("ATTACHE_"));
        builder.environment().putAll(env);
        return builder;
    }

    /** Stops every process still running, newest first. Safe to call twice and from a shutdown hook. */
    @Override
    public void close() {
        List<Proc> left;
        synchronized (this) {
            closed = true;
            left = new ArrayList<>(running);
            running.clear();
            commands.forEach(Process::destroyForcibly);
        }
        for (int i = left.size() - 1; i >= 0; i--) {
            left.get(i).stop();
        }
    }
}
