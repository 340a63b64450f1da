package io.attache.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when an {@link Error} breaks one of the server's own threads (the commit thread,
 * the housekeeper, or any thread that dies of one): a server that goes on without it would look
 * alive while writes hang forever. The serving process logs one clear line and exits, so that
 * the service manager starts a clean one (an OutOfMemoryError does not get this far: the JVM
 * runs with -XX:+ExitOnOutOfMemoryError). Tests and commands only log.
 */
final class FatalErrors {

    private static final Logger log = LoggerFactory.getLogger(FatalErrors.class);

    /** The exit status: EX_SOFTWARE of sysexits.h, an internal error. */
    static final int EXIT_STATUS = 70;
    /** How long the shutdown (stopping Jetty, closing the database) may take before the process halts. */
    private static final long HALT_AFTER_MS = 15_000;

    private FatalErrors() {
    }

    /** Logs the failure and ends the process. */
    static Thread.UncaughtExceptionHandler exitProcess() {
        return (thread, error) -> {
            log.error("FATAL: {} failed with {}; stopping the server so that it can be restarted clean",
                    thread.getName(), error.toString(), error);
            // From a thread of its own: the shutdown hook may wait for the very thread that failed.
            Thread exit = new Thread(() -> {
                Thread halt = new Thread(() -> {
                    try {
                        Thread.sleep(HALT_AFTER_MS);
                    } catch (InterruptedException ignored) {
                        // exiting anyway
                    }
                    Runtime.getRuntime().halt(EXIT_STATUS);
                }, "attache-halt");
                halt.setDaemon(true);
                halt.start();
                System.exit(EXIT_STATUS);
            }, "attache-exit");
            exit.start();
        };
    }

    /** Logs the failure; the process goes on (tests, and commands that end by themselves). */
    static Thread.UncaughtExceptionHandler logOnly() {
        return (thread, error) -> log.error("{} failed with {}", thread.getName(), error.toString(), error);
    }
}
