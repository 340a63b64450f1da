package io.attache.fs;

import io.attache.meta.Database;
import io.attache.store.local.LocalChunkStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthCheckTest {

    @TempDir
    Path dir;

    /**
     * A check that has already ended when its asker registers for the result (here: run on the
     * asker's own thread; in the server: a fast check on a busy machine) still answers the asker.
     */
    @Test
    void aCheckThatEndsBeforeItsAskerWaitsStillAnswersIt() throws Exception {
        try (Database db = Database.open(dir.resolve("attache.db"), false)) {
            LocalChunkStore store = new LocalChunkStore(dir.resolve("store"));
            HealthCheck health = new HealthCheck(db, store, Clock.systemUTC(), Duration.ZERO, Duration.ofSeconds(5), Runnable::run);
            for (int i = 0; i < 3; i++) {
                assertTrue(health.healthy(), "check " + i);
            }

            Path pointers = dir.resolve("store/pointers");
            Files.move(pointers, dir.resolve("pointers.away"));
            Files.writeString(pointers, "not a folder");
            assertFalse(health.healthy(), "the store cannot be read");

            Files.delete(pointers);
            Files.move(dir.resolve("pointers.away"), pointers);
            assertTrue(health.healthy(), "and recovers");
        }
    }
}
