package io.attache.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as a user types it: output, errors and exit codes. */
class CliTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    Result run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Main(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("HOME", dir.toString())).run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    String data() {
        return dir.resolve("data").toString();
    }

    @Test
    void helpAndVersion() {
        Result help = run("", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("serve") && help.out().contains("user add NAME"), help.out());
        Result version = run("", "--version");
        assertEquals(0, version.code());
        assertTrue(version.out().matches("attache \\d+\\.\\d+\\.\\d+.*\\s*"), version.out());
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, run("").code());
        assertEquals(2, run("", "frobnicate").code());
        assertEquals(2, run("", "serve", "--bogus").code());
        Result missing = run("", "user", "add");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("usage: attache user add"), missing.err());
    }

    @Test
    void userLifecycle() {
        Result add = run("a long password\n", "user", "add", "carol", "--password-stdin", "--data-dir", data());
        assertEquals(0, add.code(), add.err());
        Result again = run("another password\n", "user", "add", "carol", "--password-stdin", "--data-dir", data());
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already exists"), again.err());
        assertEquals(0, run("", "user", "quota", "carol", "5GiB", "--data-dir", data()).code());
        Result list = run("", "user", "list", "--data-dir", data());
        assertTrue(list.out().contains("carol") && list.out().contains(Long.toString(5L << 30)), list.out());
        assertEquals(0, run("a new password\n", "user", "passwd", "carol", "--password-stdin", "--data-dir", data()).code());
        assertEquals(1, run("pw pw pw pw\n", "user", "passwd", "nobody", "--password-stdin", "--data-dir", data()).code());
        assertEquals(0, run("", "user", "remove", "carol", "--data-dir", data()).code());
        assertTrue(!run("", "user", "list", "--data-dir", data()).out().contains("carol"));
        assertEquals(1, run("", "user", "remove", "carol", "--data-dir", data()).code());
    }

    @Test
    void badInputIsExplainedAndChangesNothing() {
        Result shortPassword = run("short\n", "user", "add", "dave", "--password-stdin", "--data-dir", data());
        assertEquals(1, shortPassword.code());
        assertTrue(shortPassword.err().contains("at least 8"), shortPassword.err());
        Result badName = run("a long password\n", "user", "add", "../root", "--password-stdin", "--data-dir", data());
        assertEquals(1, badName.code());
        assertTrue(!run("", "user", "list", "--data-dir", data()).out().contains("dave"));
        Result noTerminal = run("", "user", "add", "erin", "--data-dir", data());
        assertEquals(2, noTerminal.code());
        assertTrue(noTerminal.err().contains("--password-stdin"), noTerminal.err());
    }

    @Test
    void aConfigurationErrorNamesTheSetting() throws Exception {
        Path conf = dir.resolve("bad.conf");
        java.nio.file.Files.writeString(conf, "chunk-size = 1000\n");
        Result r = run("", "user", "list", "--config", conf.toString(), "--data-dir", data());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("chunk-size"), r.err());
    }
}
