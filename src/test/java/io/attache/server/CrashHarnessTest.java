package io.attache.server;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

/**
 * The crash harness (see {@link CrashHarness}) on the embedded default: the local store,
 * write-through, with packs of the short last chunks of concurrent writes.
 */
class CrashHarnessTest extends CrashHarness {

    @Override
    Map<String, String> env() {
        return Map.of("ATTACHE_CHUNK_SIZE", "64KiB", "ATTACHE_UPLOAD_CONCURRENCY", "2");
    }

    @Override
    Map<String, String> settings(Path data) {
        return Map.of("data-dir", data.toString(), "chunk-size", "64KiB");
    }

    @Test
    void everyCommittedFileSurvivesEveryKill() throws Exception {
        run();
    }
}
