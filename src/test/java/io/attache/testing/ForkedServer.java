package io.attache.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code attache serve} command in a separate JVM (with its own heap limit or signals),
 * on a free loopback port, with one user whose password is {@link TestServer#PASSWORD}.
 */
public final class ForkedServer implements AutoCloseable {

    public static final String USER = "forked";

    private final Process process;
    private final Path log;
    private final int port;

    private ForkedServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the server on {@code dataDir}, adding the user first if the database is new. */
    public static ForkedServer start(Path dataDir, String... jvmOptions) throws Exception {
        return start(dataDir, java.util.Map.of(), jvmOptions);
    }

    /** As above, with {@code ATTACHE_*} settings in the server's environment. */
    public static ForkedServer start(Path dataDir, java.util.Map<String, String> env, String... jvmOptions) throws Exception {
        boolean postgres = env.containsKey("ATTACHE_DATABASE_URL");
        if (!Files.exists(dataDir.resolve(postgres ? "node-id" : "attache.db"))) {
            addUser(dataDir, env);
        }
        int port = freePort();
        Path log = Files.createTempFile(dataDir.getParent(), "server", ".log");
        List<String> command = java(List.of(jvmOptions));
        command.addAll(List.of("io.attache.app.Main", "serve", "--data-dir", dataDir.toString(),
                "--listen", "127.0.0.1:" + port));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("ATTACHE_WEB_LISTEN", "127.0.0.1:0");
        builder.environment().putAll(env);
        Process process = builder.start();
        ForkedServer server = new ForkedServer(process, log, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!server.log().contains(" serving http://")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the server did not start:\n" + server.log());
            }
            Thread.sleep(50);
        }
        return server;
    }

    /** Runs one CLI command in a fresh JVM, answering a password prompt on stdin. */
    public static String run(Path dataDir, List<String> jvmOptions, String... args) throws Exception {
        List<String> command = java(jvmOptions);
        command.add("io.attache.app.Main");
        command.addAll(List.of(args));
        command.addAll(List.of("--data-dir", dataDir.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().write((TestServer.PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("attache " + String.join(" ", args) + " failed:\n" + output);
        }
        return output;
    }

    /** Adds {@link #USER}; on a shared database another node may have added it already. */
    static void addUser(Path dataDir, java.util.Map<String, String> env) throws Exception {
        List<String> command = java(List.of());
        command.addAll(List.of("io.attache.app.Main", "user", "add", USER, "--password-stdin", "--data-dir", dataDir.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().write((TestServer.PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || (p.exitValue() != 0 && !output.contains("already exists"))) {
            throw new IllegalStateException("attache user add failed:\n" + output);
        }
    }

    /** What a CLI command printed and how it exited. */
    public record Result(int exitCode, String output) {
    }

    /** Runs one CLI command in a fresh JVM with {@code ATTACHE_*} settings, whatever its exit code. */
    public static Result command(Path dataDir, java.util.Map<String, String> env, String... args) throws Exception {
        List<String> command = java(List.of());
        command.add("io.attache.app.Main");
        command.addAll(List.of(args));
        command.addAll(List.of("--data-dir", dataDir.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("attache " + String.join(" ", args) + " did not end:\n" + output);
        }
        return new Result(p.exitValue(), output);
    }

    private static List<String> java(List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        return command;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the server with SIGKILL: no shutdown hook runs, as in a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
