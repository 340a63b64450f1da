package io.attache.app;

import io.attache.config.Config;
import io.attache.config.ConfigException;
import io.attache.fs.FsException;
import io.attache.server.AttacheServer;
import io.attache.store.discord.DiscordCheck;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code attache} command line. Exit codes: 0 success, 1 failure, 2 usage error.
 */
public final class Main {

    static final String USAGE = """
            Usage: attache [--help] [--version] COMMAND [OPTIONS]

            Commands:
              serve                      run the WebDAV server and the web app
              user add NAME              add a user (asks for the password, or --password-stdin;
                                         --admin lets them manage users in the web app)
              user passwd NAME           change a user's password
              user list                  list users with their usage and quota
              user remove NAME           disable a user's login and move their files to their trash,
                                         restorable for the trash retention (asks for the name
                                         again unless --yes; --purge deletes everything now)
              user quota NAME SIZE|none  set or clear a user's quota (e.g. 50GiB)
              trash list [--user NAME]   list deleted files and folders still in the trash
              trash restore ID...        put trashed items back where they were deleted from
              trash empty [--user NAME]  delete trashed items for good (every user's without --user)
              fsck [--verify-chunks] [--sample PERCENT]
                                         check the metadata; with --verify-chunks also fetch and
                                         authenticate every chunk (or a random sample)
              gc                         collect interrupted uploads and orphan chunks, drain the
                                         delete queue, then exit (server stopped)
              backup                     store an encrypted metadata snapshot now (server stopped)
              restore --from-store [--force]
                                         rebuild the database from the newest snapshot in the store
                                         (server stopped; --force keeps the old one aside, complete;
                                         on PostgreSQL: into an empty database)
              migrate-db --to URL        copy this data directory's SQLite metadata into an empty
                                         PostgreSQL database (jdbc:postgresql://HOST:PORT/DB;
                                         database-user / database-password), then fsck it
              uploads                    what write-back still has to push to the store: files,
                                         bytes, age, last error, estimated time
              flush [--timeout DURATION] wait until everything staged is in the store (non-zero
                                         exit on timeout); works beside a running server
              discord check              post, read and delete a probe with every configured Discord
                                         token, channel and webhook, and report what is usable

            Options (every command):
              --config FILE              settings file (see config/attache.conf); also ATTACHE_CONFIG
              --data-dir DIR             where the database, key and local chunks live; also ATTACHE_DATA_DIR
            Options of serve:
              --listen HOST:PORT         address to listen on (default 127.0.0.1:8080); also ATTACHE_LISTEN
            Options of user add / passwd:
              --password-stdin           read the password from the first line of standard input
              --quota SIZE               (user add) limit the user's storage
              --admin                    (user add) make the user an administrator

            Every setting can also be given as ATTACHE_<NAME> in the environment, e.g. ATTACHE_STORE=discord.
            """;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    Main(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        int code = new Main(System.in, System.out, System.err, System.getenv()).run(args);
        if (code != 0 || args.length == 0 || !"serve".equals(firstCommand(args))) {
            System.exit(code);
        }
    }

    private static String firstCommand(String[] args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return "";
    }

    int run(String[] argv) {
        Args args;
        try {
            args = Args.parse(argv);
        } catch (UsageException e) {
            err.println("attache: " + e.getMessage());
            err.println("Run 'attache --help' for usage.");
            return 2;
        }
        if (args.flag("--help") || args.positional.isEmpty() && !args.flag("--version")) {
            out.print(USAGE);
            return args.flag("--help") ? 0 : 2;
        }
        if (args.flag("--version")) {
            out.println("attache " + version());
            return 0;
        }
        try {
            return dispatch(args);
        } catch (UsageException e) {
            err.println("attache: " + e.getMessage());
            err.println("Run 'attache --help' for usage.");
            return 2;
        } catch (ConfigException e) {
            err.println("attache: configuration: " + e.getMessage());
            return 2;
        } catch (FsException e) {
            err.println("attache: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("attache: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            LoggerFactory.getLogger(Main.class).debug("command failed", e);
            return 1;
        }
    }

    private int dispatch(Args args) throws Exception {
        String command = args.positional.get(0);
        Map<String, String> flags = new LinkedHashMap<>();
        args.value("--data-dir").ifPresent(v -> flags.put("data-dir", v));
        if (command.equals("serve")) {
            args.value("--listen").ifPresent(v -> flags.put("listen", v));
        }
        Config config = new ConfigLoader(env).load(args.value("--config").map(Path::of).orElse(null), flags);
        Logging.setLevel(config.logLevel());
        return switch (command) {
            case "serve" -> {
                args.expect(1, "serve");
                yield serve(config);
            }
            case "user" -> new UserCommands(config, in, out, err).run(args);
            case "trash" -> new MaintenanceCommands(config, out, err).trash(args);
            case "fsck" -> new MaintenanceCommands(config, out, err).fsck(args);
            case "gc" -> new MaintenanceCommands(config, out, err).gc(args);
            case "backup" -> new MaintenanceCommands(config, out, err).backup(args);
            case "restore" -> new MaintenanceCommands(config, out, err).restore(args);
            case "migrate-db" -> new DatabaseCommands(config, out).migrate(args);
            case "uploads" -> new UploadCommands(config, out, err).uploads(args);
            case "flush" -> new UploadCommands(config, out, err).flush(args);
            case "discord" -> discordCheck(config, args);
            default -> throw new UsageException("unknown command '" + command + "'");
        };
    }

    private int serve(Config config) throws Exception {
        Thread.UncaughtExceptionHandler fatal = FatalErrors.exitProcess();
        Thread.setDefaultUncaughtExceptionHandler(fatal);
        Attache attache = Attache.open(config, fatal);
        AttacheServer server;
        try {
            server = attache.serve();
        } catch (Exception e) {
            attache.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                err.println("attache: stopping the server failed: " + e);
            } finally {
                attache.close();
                stopped.countDown();
            }
        }, "attache-shutdown"));
        String host = config.listen().host().contains(":") ? "[" + config.listen().host() + "]" : config.listen().host();
        out.println("Attaché " + version() + " serving http://" + host + ":" + server.port() + "/ (data in " + config.dataDir() + ")");
        if (server.tlsPort() > 0) {
            String tlsHost = config.tlsListen().host().contains(":") ? "[" + config.tlsListen().host() + "]" : config.tlsListen().host();
            out.println("Attaché " + version() + " serving https://" + tlsHost + ":" + server.tlsPort() + "/");
        }
        if (server.webPort() > 0) {
            String webHost = config.web().listen().host().contains(":") ? "[" + config.web().listen().host() + "]"
                    : config.web().listen().host();
            out.println("Attaché " + version() + " web app at http://" + webHost + ":" + server.webPort() + "/");
        }
        Optional<String> password = attache.createFirstUser();
        password.ifPresent(p -> out.println("""
                Created the first user. Log in with
                  user:     admin
                  password: %s
                The password is shown only this once; change it with 'attache user passwd admin --data-dir %s'.""".formatted(p, config.dataDir())));
        out.flush();
        server.join();
        stopped.await();
        return 0;
    }

    private int discordCheck(Config config, Args args) throws Exception {
        if (args.positional.size() != 2 || !args.positional.get(1).equals("check")) {
            throw new UsageException("usage: attache discord check");
        }
        DiscordCheck.Report report = DiscordCheck.run(Stores.discord(config));
        out.print(report.toText());
        return report.usable() ? 0 : 1;
    }

    static String version() {
        try (InputStream props = Main.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (props != null) {
                p.load(props);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** A command line split into flags with values, bare flags and positional words. */
    static final class Args {
        private static final List<String> WITH_VALUE = List.of("--config", "--data-dir", "--listen", "--quota", "--user",
                "--sample", "--timeout", "--to");
        private static final List<String> BARE = List.of("--help", "-h", "--version", "--password-stdin",
                "--verify-chunks", "--from-store", "--force", "--admin", "--yes", "--purge");

        final List<String> positional = new ArrayList<>();
        private final Map<String, String> values = new LinkedHashMap<>();
        private final List<String> flags = new ArrayList<>();

        static Args parse(String[] argv) throws UsageException {
            Args a = new Args();
            for (int i = 0; i < argv.length; i++) {
                String arg = argv[i];
                int eq = arg.indexOf('=');
                String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
                if (WITH_VALUE.contains(name)) {
                    String value;
                    if (eq > 0 && arg.startsWith("--")) {
                        value = arg.substring(eq + 1);
                    } else if (i + 1 < argv.length) {
                        value = argv[++i];
                    } else {
                        throw new UsageException(name + " needs a value");
                    }
                    a.values.put(name, value);
                } else if (BARE.contains(arg)) {
                    a.flags.add(arg.equals("-h") ? "--help" : arg);
                } else if (arg.startsWith("-") && arg.length() > 1) {
                    throw new UsageException("unknown option " + arg);
                } else {
                    a.positional.add(arg);
                }
            }
            return a;
        }

        boolean flag(String name) {
            return flags.contains(name);
        }

        Optional<String> value(String name) {
            return Optional.ofNullable(values.get(name));
        }

        void expect(int count, String usage) throws UsageException {
            if (positional.size() != count) {
                throw new UsageException("usage: attache " + usage);
            }
        }
    }

    /** A command line that does not fit the usage. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }
}
