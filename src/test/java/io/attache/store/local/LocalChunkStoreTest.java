package io.attache.store.local;

import io.attache.store.ChunkStore;
import io.attache.store.ChunkStoreContractTest;
import io.attache.store.Locator;
import io.attache.store.StoreException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalChunkStoreTest extends ChunkStoreContractTest {

    @Override
    protected ChunkStore createStore(Path dir) throws Exception {
        return new LocalChunkStore(dir.resolve("store"));
    }

    @Test
    void anObjectLargerThanTheLimitIsRefusedPermanently() throws Exception {
        try (LocalChunkStore small = new LocalChunkStore(tempDir.resolve("small"), 1_000)) {
            byte[] data = randomBytes(1_001);
            assertThrows(StoreException.Permanent.class, () -> small.put(randomName(), data, 0, data.length));
            small.put(randomName(), data, 0, 1_000);
        }
    }

    @Test
    void leavesNoTemporaryFilesBehind() throws Exception {
        byte[] data = randomBytes(1_000);
        store.put(randomName(), data, 0, data.length);
        try (Stream<Path> leftovers = Files.list(tempDir.resolve("store/tmp"))) {
            assertEquals(0, leftovers.count());
        }
    }

    @Test
    void aCrashedWritesTemporaryFileIsClearedAtStart() throws Exception {
        Path leftover = tempDir.resolve("store/tmp/0123.deadbeef.tmp");
        Files.write(leftover, new byte[]{1, 2, 3});
        new LocalChunkStore(tempDir.resolve("store")).close();
        assertTrue(Files.notExists(leftover));
    }

    @Test
    void chunkFileIsNamedByTheRandomNameOnly() throws Exception {
        String name = randomName();
        byte[] data = randomBytes(10);
        Locator locator = store.put(name, data, 0, data.length);
        assertEquals("local:" + name, locator.value());
        assertTrue(Files.isRegularFile(tempDir.resolve("store/chunks").resolve(name.substring(0, 2)).resolve(name)));
    }
}
