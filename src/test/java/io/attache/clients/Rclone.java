package io.attache.clients;

import io.attache.testing.ExternalProgram;
import io.attache.testing.ExternalProgram.Result;
import io.attache.testing.TestServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * rclone (Debian package {@code rclone}) configured for one user of a test server, with two
 * remotes: {@code attache} (vendor other: plain WebDAV) and {@code owncloud} (vendor owncloud:
 * modification times by X-OC-Mtime, hashes by OC-Checksum and oc:checksums). Runs with a fixed,
 * minimal environment and a bounded time.
 */
final class Rclone {

    static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final Path program;
    private final Path config;
    private final Path home;

    private Rclone(Path program, Path config, Path home) {
        this.program = program;
        this.config = config;
        this.home = home;
    }

    /** Writes the configuration for {@code user} (password {@link TestServer#PASSWORD}) into {@code home}. */
    static Rclone configure(TestServer server, String user, Path home) throws IOException {
        Path program = ExternalProgram.require("rclone", "rclone");
        String obscured = ExternalProgram.run(TIMEOUT, program.toString(), "obscure", TestServer.PASSWORD).output().strip();
        Path config = home.resolve("rclone.conf");
        StringBuilder text = new StringBuilder();
        for (String[] remote : new String[][]{{"attache", "other"}, {"owncloud", "owncloud"}}) {
            text.append("""
                    [%s]
                    type = webdav
                    url = %s/
                    vendor = %s
                    user = %s
                    pass = %s

                    """.formatted(remote[0], server.url(), remote[1], user, obscured));
        }
        Files.writeString(config, text);
        return new Rclone(program, config, home);
    }

    Path program() {
        return program;
    }

    /** The environment every run gets, also for programs that start rclone themselves (restic). */
    Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>();
        environment.put("HOME", home.toString());
        environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        environment.put("LANG", "C.UTF-8");
        environment.put("RCLONE_CONFIG", config.toString());
        return environment;
    }

    Result run(String... args) {
        List<String> command = new ArrayList<>(List.of(program.toString(), "--config", config.toString(),
                "--retries", "1", "--low-level-retries", "2", "--contimeout", "10s", "--timeout", "30s"));
        command.addAll(List.of(args));
        return ExternalProgram.run(ExternalProgram.withEnvironment(environment(), home, command), null, TIMEOUT);
    }
}
