package io.attache.clients;

import io.attache.testing.ExternalProgram;
import io.attache.testing.RawHttp;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The litmus 0.13 conformance suite (Debian package {@code litmus}), every suite through its own
 * program, against a real server. Apache mod_dav passes all 104 tests; so must Attaché, with
 * nothing skipped: litmus skips the whole locks suite when the server does not claim class 2,
 * which shows here as a suite that ran too few tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LitmusTest {

    private static final Path SUITES = Path.of("/usr/libexec/litmus");
    private static final Path HTDOCS = Path.of("/usr/share/litmus/htdocs");
    private static final Duration SUITE_TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern SUMMARY = Pattern.compile(
            "<- summary for `(\\w+)': of (\\d+) tests run: (\\d+) passed, (\\d+) failed\\.");
    private static final Pattern SKIP_COUNT = Pattern.compile("-> (\\d+) tests? (?:was|were) skipped");

    /** The suites of litmus 0.13 and how many tests each runs when nothing is skipped. */
    enum Suite {
        basic(16), copymove(13), props(30), locks(41), http(4);

        final int tests;

        Suite(int tests) {
            this.tests = tests;
        }
    }

    /** What one suite reported. {@code run} is -1 when litmus printed no summary. */
    record Outcome(int exitCode, int run, int passed, int failed, int skipped, List<String> failures,
                   List<String> skips, List<String> warnings, String output) {

        static Outcome parse(int exitCode, String rawOutput) {
            String output = rawOutput.replace("\r", "\n");
            Matcher summary = SUMMARY.matcher(output);
            boolean found = summary.find();
            Matcher skipCount = SKIP_COUNT.matcher(output);
            List<String> failures = new ArrayList<>();
            List<String> skips = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            for (String line : output.split("\n")) {
                String trimmed = line.strip();
                if (trimmed.contains(" FAIL")) {
                    failures.add(trimmed);
                } else if (trimmed.contains("SKIPPED")) {
                    skips.add(trimmed);
                } else if (trimmed.contains("WARNING")) {
                    warnings.add(trimmed);
                }
            }
            int skipped = Math.max(skips.size(), skipCount.find() ? Integer.parseInt(skipCount.group(1)) : 0);
            return new Outcome(exitCode,
                    found ? Integer.parseInt(summary.group(2)) : -1,
                    found ? Integer.parseInt(summary.group(3)) : -1,
                    found ? Integer.parseInt(summary.group(4)) : -1,
                    skipped, failures, skips, warnings, output);
        }

        /** Everything that keeps this outcome from being a clean pass of {@code suite}. */
        List<String> problems(Suite suite) {
            List<String> problems = new ArrayList<>();
            if (run < 0) {
                problems.add("litmus printed no summary");
            } else if (!output.contains("summary for `" + suite + "'")) {
                problems.add("the summary is not for suite " + suite);
            }
            if (run >= 0 && run != suite.tests) {
                problems.add("ran " + run + " tests instead of " + suite.tests);
            }
            if (passed != suite.tests) {
                problems.add(passed + " of " + suite.tests + " passed");
            }
            if (failed > 0 || !failures.isEmpty()) {
                problems.add(Math.max(failed, failures.size()) + " failed: " + failures);
            }
            if (skipped > 0) {
                problems.add(skipped + " skipped: " + skips);
            }
            if (exitCode != 0) {
                problems.add("exit code " + exitCode + " (litmus exits with the number of failures)");
            }
            return problems;
        }
    }

    @TempDir
    static Path dir;
    TestServer server;
    final Map<Suite, Outcome> outcomes = new EnumMap<>(Suite.class);

    @BeforeAll
    void start() throws Exception {
        for (Suite suite : Suite.values()) {
            ExternalProgram.require(SUITES.resolve(suite.name()).toString(), "litmus");
        }
        assertTrue(Files.isDirectory(HTDOCS), "litmus' test documents are missing: " + HTDOCS);
        server = startServer(dir);
        assertEquals(201, mkcol("/litmus/"));
    }

    /** The server litmus runs against, with user "litmus". */
    TestServer startServer(Path dir) throws Exception {
        return TestServer.start(dir).user("litmus");
    }

    /** Stops what {@link #startServer} started. */
    void stopServer() throws Exception {
        server.close();
    }

    @AfterAll
    void stop() throws Exception {
        System.out.println(table());
        if (server != null) {
            stopServer();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Suite.class)
    @DisplayName("litmus 0.13 suite passes every test and skips none")
    void suite(Suite suite) throws Exception {
        String collection = "/litmus/" + suite.name() + "/";
        assertEquals(201, mkcol(collection));
        ProcessBuilder litmus = new ProcessBuilder(SUITES.resolve(suite.name()).toString(),
                "--htdocs", HTDOCS.toString(), server.url() + collection, "litmus", TestServer.PASSWORD)
                .directory(dir.toFile());
        ExternalProgram.Result result = ExternalProgram.run(litmus, null, SUITE_TIMEOUT);
        Outcome outcome = Outcome.parse(result.exitCode(), result.output());
        outcomes.put(suite, outcome);

        List<String> problems = outcome.problems(suite);
        if (!problems.isEmpty()) {
            fail("litmus " + suite + ": " + String.join("; ", problems) + "\n--- litmus output ---\n" + outcome.output());
        }
    }

    @Nested
    @DisplayName("reading litmus output")
    class Parsing {
        @Test
        void aCleanRun() {
            Outcome o = Outcome.parse(0, " 0. init.................. \r 0. init.................. pass\n"
                    + "<- summary for `http': of 4 tests run: 4 passed, 0 failed. 100.0%\n");
            assertEquals(List.of(), o.problems(Suite.http));
        }

        @Test
        void aFailureIsFoundEvenWhenTheExitCodeSaysNothing() {
            Outcome o = Outcome.parse(0, " 5. put_no_parent......... \r 5. put_no_parent......... FAIL (PUT did not fail)\n"
                    + "<- summary for `basic': of 16 tests run: 15 passed, 1 failed. 93.8%\n");
            assertEquals(List.of("5. put_no_parent......... FAIL (PUT did not fail)"), o.failures());
            assertEquals(2, o.problems(Suite.basic).size(), o.problems(Suite.basic)::toString);
        }

        @Test
        void aSkippedSuiteRunsTooFewTests() {
            Outcome o = Outcome.parse(0, " 3. precond............... SKIPPED (locking tests skipped,\n"
                    + "server does not claim Class 2 compliance)\n-> 1 test was skipped.\n"
                    + "<- summary for `locks': of 3 tests run: 3 passed, 0 failed. 100.0%\n");
            assertEquals(1, o.skipped());
            List<String> problems = o.problems(Suite.locks);
            assertTrue(problems.contains("ran 3 tests instead of 41"), problems::toString);
            assertTrue(problems.stream().anyMatch(p -> p.startsWith("1 skipped")), problems::toString);
        }

        @Test
        void noSummaryIsAProblem() {
            assertTrue(Outcome.parse(0, "neon: connection refused\n").problems(Suite.props).contains("litmus printed no summary"));
        }
    }

    private int mkcol(String path) throws Exception {
        return RawHttp.exchange(server.port(), "MKCOL " + path + " HTTP/1.1\nHost: 127.0.0.1\nConnection: close\nAuthorization: "
                + TestServer.basic("litmus")).status();
    }

    private String table() {
        StringBuilder out = new StringBuilder("\nlitmus 0.13 against Attaché\n");
        out.append(String.format("%-9s %8s %5s %7s %7s %8s %9s%n", "suite", "expected", "run", "passed", "failed", "skipped", "warnings"));
        int expected = 0;
        int passed = 0;
        for (Suite suite : Suite.values()) {
            expected += suite.tests;
            Outcome o = outcomes.get(suite);
            if (o == null) {
                out.append(String.format("%-9s %8d %5s%n", suite, suite.tests, "not run"));
                continue;
            }
            passed += Math.max(o.passed(), 0);
            out.append(String.format("%-9s %8d %5d %7d %7d %8d %9d%n", suite, suite.tests, o.run(), o.passed(), o.failed(),
                    o.skipped(), o.warnings().size()));
            o.failures().forEach(f -> out.append("    ").append(f).append('\n'));
            o.skips().forEach(s -> out.append("    ").append(s).append('\n'));
            o.warnings().forEach(w -> out.append("    ").append(w).append('\n'));
        }
        out.append(String.format("total: %d of %d passed%n", passed, expected));
        return out.toString();
    }
}
