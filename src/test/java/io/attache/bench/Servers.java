package io.attache.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the servers under test on 127.0.0.1, each in a fresh private directory under the work
 * directory, and waits until each answers a PROPFIND: Attaché from a jar with one user, Apache
 * with mod_dav_fs on a config of its own (the system's Apache is left alone), {@code rclone serve
 * webdav} over a crypt remote, and the Discord emulator.
 */
final class Servers {

    static final String USER = "bench";
    static final String ATTACHE_LABEL = "Attaché";
    static final String BEFORE_LABEL = "Attaché before";
    private static final int READY_ATTEMPTS = 120;
    private static final long READY_PAUSE_MILLIS = 500;
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    private final Processes processes;
    private final Path work;
    private final Path passwordFile;
    private final String authorization;
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    Servers(Processes processes, Path work) throws IOException {
        this.processes = processes;
        this.work = work;
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String password = Base64.getEncoder().encodeToString(secret);
        this.passwordFile = Files.writeString(work.resolve("password"), password + "\n");
        this.authorization = LoadClient.basic(USER, password);
        Files.writeString(work.resolve("netrc"), "machine 127.0.0.1 login " + USER + " password " + password + "\n");
    }

    /** A curl {@code --netrc-file} with the Attaché user's credentials. */
    Path netrc() {
        return work.resolve("netrc");
    }

    String password() throws IOException {
        return Files.readString(passwordFile).trim();
    }

    /** The Java that runs the benchmark, for Attaché and the emulator too. */
    String java() {
        return java;
    }

    /**
     * A fresh Attaché from {@code jar} with one user; {@code settings} are {@code ATTACHE_*}
     * variables on top of the defaults (none, for the default configuration).
     */
    Server attache(String id, String label, Path jar, String xmx, Map<String, String> settings) throws IOException {
        Path dir = Files.createDirectories(work.resolve(id));
        Path data = dir.resolve("data");
        Processes.Result added = processes.run(List.of(java, "-jar", jar.toString(), "user", "add", USER,
                "--password-stdin", "--data-dir", data.toString()), settings, passwordFile, -1, COMMAND_TIMEOUT);
        if (added.exit() != 0) {
            throw new IOException(label + ": attache user add failed:\n" + added.err() + added.out());
        }
        int port = freePort();
        Proc proc = processes.start(id, List.of(java, "-Xmx" + xmx, "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString(), "serve",
                "--data-dir", data.toString(), "--listen", "127.0.0.1:" + port), withoutWebApp(jar, settings));
        return awaitReady(new Server(id, label, URI.create("http://127.0.0.1:" + port + "/"), proc, authorization, dir));
    }

    /**
     * The web app is not measured, and two Attachés (this one and the one before) would both want
     * its default address: it stays off, in a jar that has one.
     */
    private static Map<String, String> withoutWebApp(Path jar, Map<String, String> settings) throws IOException {
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            if (file.getEntry("io/attache/config/WebSettings.class") == null || settings.containsKey("ATTACHE_WEB_LISTEN")) {
                return settings;
            }
        }
        Map<String, String> out = new HashMap<>(settings);
        out.put("ATTACHE_WEB_LISTEN", "off");
        return out;
    }

    /**
     * Apache with Debian's own settings (apache2.conf, mpm_event.conf), plus LimitRequestBody 0:
     * since 2.4.54 the default caps a request body at 1 GiB. No authentication.
     */
    Server apache() throws IOException {
        Path dir = Files.createDirectories(work.resolve("apache"));
        Path dav = Files.createDirectories(dir.resolve("dav"));
        Path lock = Files.createDirectories(dir.resolve("lock"));
        Files.createDirectories(dir.resolve("run"));
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        GroupPrincipal group = users.lookupPrincipalByGroupName("www-data");
        for (Path p : List.of(dav, lock)) {
            Files.setOwner(p, users.lookupPrincipalByName("www-data"));
            Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(group);
        }
        int port = freePort();
        String modules = "/usr/lib/apache2/modules";
        String config = """
                ServerRoot "%1$s"
                ServerName 127.0.0.1
                Listen 127.0.0.1:%2$d
                PidFile "%1$s/run/httpd.pid"
                DefaultRuntimeDir "%1$s/run"
                ErrorLog "%1$s/error.log"
                LogLevel warn
                LoadModule mpm_event_module %3$s/mod_mpm_event.so
                LoadModule authz_core_module %3$s/mod_authz_core.so
                LoadModule dav_module %3$s/mod_dav.so
                LoadModule dav_fs_module %3$s/mod_dav_fs.so
                User www-data
                Group www-data
                Timeout 300
                KeepAlive On
                MaxKeepAliveRequests 100
                KeepAliveTimeout 5
                StartServers 2
                MinSpareThreads 25
                MaxSpareThreads 75
                ThreadLimit 64
                ThreadsPerChild 25
                MaxRequestWorkers 150
                MaxConnectionsPerChild 0
                LimitRequestBody 0
                DAVLockDB "%1$s/lock/DAVLock"
                DocumentRoot "%1$s/dav"
                <Directory "%1$s/dav">
                    Dav On
                    Options None
                    AllowOverride None
                    Require all granted
                </Directory>
                """.formatted(dir, port, modules);
        Path conf = Files.writeString(dir.resolve("httpd.conf"), config);
        Proc proc = processes.start("apache", List.of("apache2", "-f", conf.toString(), "-DFOREGROUND"), Map.of());
        return awaitReady(new Server("apache", "Apache mod_dav_fs", URI.create("http://127.0.0.1:" + port + "/"),
                proc, null, dir));
    }

    /** rclone's defaults: {@code --vfs-cache-mode off} (streams to the remote), standard name encryption. */
    Server rcloneCrypt() throws IOException {
        Path dir = Files.createDirectories(work.resolve("rclone"));
        Files.createDirectories(dir.resolve("store"));
        String config = "[benchcrypt]\ntype = crypt\nremote = " + dir.resolve("store") + "\npassword = "
                + obscure(randomSecret()) + "\npassword2 = " + obscure(randomSecret()) + "\n";
        Path conf = Files.writeString(dir.resolve("rclone.conf"), config);
        int port = freePort();
        Proc proc = processes.start("rclone", List.of("rclone", "--config", conf.toString(), "--cache-dir",
                dir.resolve("cache").toString(), "serve", "webdav", "benchcrypt:", "--addr", "127.0.0.1:" + port),
                Map.of());
        return awaitReady(new Server("rclone", "rclone crypt", URI.create("http://127.0.0.1:" + port + "/"), proc,
                null, dir));
    }

    /** Jetty 12 alone, discarding what it is sent ({@link JettyFloor}), in its own JVM with Attaché's heap. */
    Server jettyFloor(String xmx) throws IOException {
        Path dir = Files.createDirectories(work.resolve("jetty-floor"));
        int port = freePort();
        Proc proc = processes.start("jetty-floor", List.of(java, "-Xmx" + xmx, "-cp", System.getProperty("java.class.path"),
                "io.attache.bench.JettyFloor", Integer.toString(port)), Map.of());
        return awaitReady(new Server("jetty", "Jetty alone", URI.create("http://127.0.0.1:" + port + "/"), proc, null, dir));
    }

    /**
     * The emulator with Discord's limits (5 messages per 5 s per channel, 10 MiB attachments), the
     * given channels, latency and bandwidth per transfer. Content is kept, so the CDN serves it.
     */
    Emulator emulator(Knobs knobs) throws IOException {
        Path dir = Files.createDirectories(work.resolve("emulator"));
        Path env = dir.resolve("env");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                "io.attache.store.discord.emulator.DiscordEmulatorMain", "--channels",
                Integer.toString(knobs.discordChannels()), "--latency", Integer.toString(knobs.discordLatencyMs()),
                "--bandwidth", Long.toString(knobs.discordBandwidth())));
        if (knobs.hashPerMajor()) {
            command.add("--hash-per-major");
        }
        Proc proc = processes.start("emulator", command, Map.of(), env);
        for (int i = 0; i < READY_ATTEMPTS; i++) {
            List<String> lines = Files.readAllLines(env, StandardCharsets.UTF_8);
            if (lines.contains("READY")) {
                Map<String, String> settings = new HashMap<>();
                for (String line : lines) {
                    if (line.startsWith("ATTACHE_DISCORD_") && line.contains("=")) {
                        settings.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                    }
                }
                String api = settings.get("ATTACHE_DISCORD_API_URL");
                if (api == null) {
                    throw new IOException("the Discord emulator printed no API URL:\n" + String.join("\n", lines));
                }
                return new Emulator(proc, settings, URI.create(api).resolve("/"));
            }
            if (!proc.alive()) {
                throw new IOException("the Discord emulator exited:\n" + proc.tail());
            }
            pause(READY_PAUSE_MILLIS);
        }
        throw new IOException("the Discord emulator did not start within a minute:\n" + proc.tail());
    }

    void stop(Server server) {
        processes.stop(server.proc());
    }

    void stop(Emulator emulator) {
        processes.stop(emulator.proc());
    }

    /** Waits until the server answers PROPFIND Depth 0 on its root with 207. */
    private Server awaitReady(Server server) throws IOException {
        for (int i = 0; i < READY_ATTEMPTS; i++) {
            try (Http1Connection http = new Http1Connection(server.url(), server.authorization())) {
                if (http.exchange("PROPFIND", "/", "Depth: 0\r\n", null).status() == 207) {
                    return server;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!server.proc().alive()) {
                throw new IOException(server.label() + " exited:\n" + server.proc().tail());
            }
            pause(READY_PAUSE_MILLIS);
        }
        throw new IOException(server.label() + " did not answer within a minute:\n" + server.proc().tail());
    }

    private String obscure(String secret) throws IOException {
        return processes.check(List.of("rclone", "obscure", secret), Map.of(), COMMAND_TIMEOUT).out().trim();
    }

    /** rclone's password for the Attaché user, obscured as its config files want it. */
    String obscuredPassword() throws IOException {
        return obscure(password());
    }

    private static String randomSecret() {
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        return Base64.getEncoder().encodeToString(secret);
    }

    /** A port nothing listens on now (the kernel's choice; another process could take it before the server does). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    static void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
