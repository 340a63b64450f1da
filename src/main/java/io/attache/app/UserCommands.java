package io.attache.app;

import io.attache.config.Config;
import io.attache.config.ConfigException;
import io.attache.config.Values;
import io.attache.fs.Account;
import io.attache.fs.FsException;
import io.attache.fs.TrashBin;
import io.attache.fs.UserService;
import io.attache.meta.Database;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code attache user ...}: account management straight on the database, so it works while the
 * server runs (SQLite's busy timeout serialises the two processes' writes; PostgreSQL serves both).
 */
final class UserCommands {

    private final Config config;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    UserCommands(Config config, InputStream in, PrintStream out, PrintStream err) {
        this.config = config;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    int run(Main.Args args) throws Exception {
        if (args.positional.size() < 2) {
            throw new Main.UsageException("usage: attache user add|passwd|list|remove|quota ...");
        }
        String action = args.positional.get(1);
        checkUsage(action, args);
        DataDirectory.create(config.dataDir());
        try (Database db = Attache.openDatabase(config)) {
            Clock clock = Clock.systemUTC();
            UserService users = new UserService(db, clock, new TrashBin(db, clock, config.trashRetention()));
            return switch (action) {
                case "add" -> add(users, args);
                case "passwd" -> passwd(users, args);
                case "list" -> list(users, args);
                case "remove" -> remove(users, args);
                case "quota" -> quota(users, args);
                default -> throw new Main.UsageException("unknown user command '" + action + "'");
            };
        }
    }

    private static void checkUsage(String action, Main.Args args) throws Main.UsageException {
        switch (action) {
            case "add" -> args.expect(3, "user add NAME [--password-stdin] [--quota SIZE] [--admin]");
            case "passwd" -> args.expect(3, "user passwd NAME [--password-stdin]");
            case "list" -> args.expect(2, "user list");
            case "remove" -> args.expect(3, "user remove NAME [--yes] [--purge]");
            case "quota" -> args.expect(4, "user quota NAME SIZE|none");
            default -> throw new Main.UsageException("unknown user command '" + action + "'");
        }
    }

    private int add(UserService users, Main.Args args) throws Exception {
        String name = args.positional.get(2);
        Long quota = args.value("--quota").isPresent() ? parseQuota(args.value("--quota").get()) : null;
        Optional<Account> existing = users.find(name);
        if (existing.isPresent()) {
            err.println("attache: " + users.taken(existing.get()).getMessage());
            return 1;
        }
        char[] password = readPassword(args, "Password for " + name + ": ");
        try {
            users.add(name, password, quota, args.flag("--admin"));
        } finally {
            Arrays.fill(password, '\0');
        }
        out.println("Added " + (args.flag("--admin") ? "administrator " : "user ") + name);
        return 0;
    }

    private int passwd(UserService users, Main.Args args) throws Exception {
        String name = args.positional.get(2);
        Optional<Account> account = users.find(name);
        if (account.isEmpty()) {
            err.println("attache: no user " + name);
            return 1;
        }
        char[] password = readPassword(args, "New password for " + name + ": ");
        try {
            users.setPassword(name, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        out.println("Changed the password of " + name);
        if (account.get().removed()) {
            out.println(name + " had been removed; the account is active again. Its files are in its trash: "
                    + "'attache trash list --user " + name + "', then 'attache trash restore ID...'");
        }
        return 0;
    }

    private int list(UserService users, Main.Args args) throws Exception {
        out.printf("%-24s %16s %16s %-5s  %s%n", "USER", "USED BYTES", "QUOTA BYTES", "ADMIN", "STATUS");
        for (Account user : users.list()) {
            out.printf("%-24s %16d %16s %-5s  %s%n", user.name(), user.storedBytes(),
                    user.quotaBytes() == null ? "none" : user.quotaBytes().toString(), user.admin() ? "yes" : "no",
                    user.removed() ? "removed, deleted after " + users.keptUntil(user).toString().substring(0, 10) : "active");
        }
        return 0;
    }

    /**
     * Removes a user after the name is typed again (or {@code --yes}): the login stops at once;
     * the files stay restorable for the trash retention unless {@code --purge}.
     */
    private int remove(UserService users, Main.Args args) throws Exception {
        String name = args.positional.get(2);
        boolean purge = args.flag("--purge");
        if (!users.exists(name)) {
            err.println("attache: no user " + name);
            return 1;
        }
        if (!args.flag("--yes")) {
            String prompt = (purge ? "This deletes " + name + " and all of their files for good."
                    : "This disables " + name + "'s login and moves their files to their trash.")
                    + " Type the user name again to confirm: ";
            String typed = readLine(prompt);
            if (!name.equals(typed == null ? null : typed.strip())) {
                err.println("attache: the name was not typed again; " + name + " is unchanged (or use --yes)");
                return 1;
            }
        }
        UserService.Removal removal = users.remove(name, purge);
        switch (removal) {
            case NO_SUCH_USER -> {
                err.println("attache: no user " + name);
                return 1;
            }
            case PURGED -> out.println("Removed user " + name + " and all of their files; the chunks are queued for deletion"
                    + (purge ? "" : " (the trash is off: trash-retention = 0)"));
            case KEPT -> {
                Account account = users.find(name).orElseThrow();
                out.println("Removed user " + name + ": the login is disabled, and their files stay in their trash until "
                        + users.keptUntil(account).toString().substring(0, 10) + " ('attache trash list --user " + name
                        + "'). 'attache user passwd " + name + "' undoes the removal; 'attache user remove " + name
                        + " --purge' deletes everything now.");
            }
        }
        return 0;
    }

    private String readLine(String prompt) throws IOException {
        Console console = System.console();
        if (console != null) {
            return console.readLine("%s", prompt);
        }
        err.print(prompt);
        err.flush();
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    }

    private int quota(UserService users, Main.Args args) throws Exception {
        String name = args.positional.get(2);
        Long quota = parseQuota(args.positional.get(3));
        if (!users.setQuota(name, quota)) {
            err.println("attache: no user " + name);
            return 1;
        }
        out.println(quota == null ? "Removed the quota of " + name : "Set the quota of " + name + " to " + quota + " bytes");
        return 0;
    }

    private static Long parseQuota(String value) throws ConfigException {
        return value.equalsIgnoreCase("none") ? null : Values.size("quota", value);
    }

    private char[] readPassword(Main.Args args, String prompt) throws IOException, FsException, Main.UsageException {
        if (args.flag("--password-stdin")) {
            String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new FsException.BadRequest("no password on standard input");
            }
            return line.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new Main.UsageException("no terminal to ask for the password; use --password-stdin");
        }
        char[] first = console.readPassword(prompt);
        char[] second = console.readPassword("Again: ");
        if (first == null || second == null || !Arrays.equals(first, second)) {
            throw new FsException.BadRequest("the passwords do not match");
        }
        Arrays.fill(second, '\0');
        return first;
    }
}
