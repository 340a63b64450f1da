package io.attache.app;

import io.attache.fs.Housekeeper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An Error that breaks one of the server's threads ends the serving process, with a clear line. */
class FatalErrorsTest {

    /** A process that installs the serving policy, then breaks a thread of its own with an Error. */
    public static final class Crash {
        public static void main(String[] args) throws Exception {
            Thread.setDefaultUncaughtExceptionHandler(FatalErrors.exitProcess());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
            Thread worker = new Thread(() -> {
                throw new StackOverflowError("the core thread broke");
            }, "attache-commit");
            worker.start();
            Thread.sleep(30_000);
            System.out.println("still running");
        }
    }

    @Test
    void theServingProcessExitsAndSaysWhy() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Crash.class.getName()).redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(FatalErrors.EXIT_STATUS, p.exitValue(), output);
        assertTrue(output.contains("FATAL: attache-commit failed with java.lang.StackOverflowError: the core thread broke"), output);
        assertTrue(output.contains("shutdown hook ran"), "a clean shutdown is attempted: " + output);
        assertTrue(!output.contains("still running"), output);
    }

    @Test
    void anErrorInABackgroundTaskGoesToThePolicy() throws Exception {
        CountDownLatch told = new CountDownLatch(1);
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Housekeeper housekeeper = new Housekeeper((thread, error) -> {
            errors.add(error);
            told.countDown();
        })) {
            housekeeper.every(Duration.ofMillis(10), "breaks", () -> {
                throw new LinkageError("a class went missing");
            });
            housekeeper.start();
            assertTrue(told.await(10, TimeUnit.SECONDS));
        }
        assertEquals("a class went missing", errors.get(0).getMessage());
    }
}
