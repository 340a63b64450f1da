package io.attache.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A program installed on the machine (litmus, cadaver, rclone, davfs2) run as a child process with
 * a bounded time. A missing program is a test failure naming the Debian package, never a skip:
 * CI installs them all, so their absence means the tests did not run.
 */
public final class ExternalProgram {

    private static final List<String> SYSTEM_DIRS = List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin");

    private ExternalProgram() {
    }

    /** The exit code and the interleaved standard output and error of one run. */
    public record Result(List<String> command, int exitCode, String output) {
        @Override
        public String toString() {
            return String.join(" ", command) + " exited with " + exitCode + ":\n" + output;
        }
    }

    /**
     * The path of {@code program} (a name looked up on PATH and the system directories, or an
     * absolute path); fails the test when it is not installed.
     */
    public static Path require(String program, String debianPackage) {
        Path found = find(program);
        if (found == null) {
            fail(program + " is not installed; these tests need it (Debian/Ubuntu: apt-get install -y " + debianPackage
                    + "; .ci/run installs it)");
        }
        return found;
    }

    /** The path of {@code program}, or null when it is not installed. */
    public static Path find(String program) {
        if (program.startsWith("/")) {
            Path path = Path.of(program);
            return Files.isExecutable(path) ? path : null;
        }
        List<String> dirs = new ArrayList<>();
        String pathVariable = System.getenv("PATH");
        if (pathVariable != null) {
            dirs.addAll(List.of(pathVariable.split(":")));
        }
        dirs.addAll(SYSTEM_DIRS);
        for (String dir : dirs) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Runs {@code command} with no input, in the current directory, with the inherited environment. */
    public static Result run(Duration timeout, String... command) {
        return run(new ProcessBuilder(command), null, timeout);
    }

    /**
     * Starts {@code builder} (its environment and directory as configured), writes {@code stdin}
     * (or nothing) and closes it, and waits at most {@code timeout}. A process still running then
     * is killed with its children and the test fails with the output so far.
     */
    public static Result run(ProcessBuilder builder, String stdin, Duration timeout) {
        builder.redirectErrorStream(true);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + builder.command(), e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(process.getInputStream(), output), "output of " + builder.command().get(0));
        reader.setDaemon(true);
        reader.start();
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the program exited without reading its input; its output says why
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                reader.join(5_000);
                fail(String.join(" ", builder.command()) + " did not finish within " + timeout + "; output so far:\n" + text(output));
            }
            reader.join(10_000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + builder.command(), e);
        }
        return new Result(List.copyOf(builder.command()), process.exitValue(), text(output));
    }

    /** A process builder with exactly this environment (nothing inherited), for reproducible runs. */
    public static ProcessBuilder withEnvironment(Map<String, String> environment, Path directory, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        return builder;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // the process was killed; what was read is kept
        }
    }

    private static String text(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
