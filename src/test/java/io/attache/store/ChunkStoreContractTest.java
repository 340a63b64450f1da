package io.attache.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behaviour every {@link ChunkStore} promises in its Javadoc. Each store's test extends this
 * class and only says how to build the store.
 */
public abstract class ChunkStoreContractTest {

    @TempDir
    protected Path tempDir;
    protected ChunkStore store;
    private final Random random = new Random(20261122);

    /** A fresh, empty store. Called once per test. */
    protected abstract ChunkStore createStore(Path dir) throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = createStore(tempDir);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected String randomName() {
        byte[] name = new byte[16];
        random.nextBytes(name);
        return HexFormat.of().formatHex(name);
    }

    protected byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    protected static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void putThenReadWholeObject() throws Exception {
        byte[] data = randomBytes(300_000);
        Locator locator = store.put(randomName(), data, 0, data.length);
        assertEquals(store.scheme(), locator.scheme());
        assertArrayEquals(data, readAll(store.open(locator, 0, data.length)));
        assertEquals(data.length, store.stat(locator));
    }

    @Test
    void putStoresOnlyTheGivenSlice() throws Exception {
        byte[] data = randomBytes(10_000);
        Locator locator = store.put(randomName(), data, 1_000, 5_000);
        assertEquals(5_000, store.stat(locator));
        assertArrayEquals(Arrays.copyOfRange(data, 1_000, 6_000), readAll(store.open(locator, 0, 5_000)));
    }

    @Test
    void rangeReadsReturnExactlyTheRequestedBytes() throws Exception {
        byte[] data = randomBytes(200_000);
        Locator locator = store.put(randomName(), data, 0, data.length);
        long[][] ranges = {{0, 1}, {0, 65_536}, {65_536, 65_536}, {199_999, 1}, {123_457, 40_000}, {200_000, 0}};
        for (long[] range : ranges) {
            int from = (int) range[0];
            int length = (int) range[1];
            assertArrayEquals(Arrays.copyOfRange(data, from, from + length),
                    readAll(store.open(locator, from, length)), "range " + from + "+" + length);
        }
    }

    @Test
    void readingPastTheEndFailsInsteadOfReturningFewerBytes() throws Exception {
        byte[] data = randomBytes(1_000);
        Locator locator = store.put(randomName(), data, 0, data.length);
        assertThrows(IOException.class, () -> readAll(store.open(locator, 900, 200)));
    }

    @Test
    void deletedObjectIsNotFoundAndDeleteIsIdempotent() throws Exception {
        byte[] data = randomBytes(1_000);
        Locator locator = store.put(randomName(), data, 0, data.length);
        store.delete(locator);
        assertThrows(StoreException.NotFound.class, () -> store.stat(locator));
        assertThrows(StoreException.NotFound.class, () -> readAll(store.open(locator, 0, 10)));
        store.delete(locator);
    }

    @Test
    void deleteAllRemovesEveryObject() throws Exception {
        List<Locator> locators = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] data = randomBytes(100 + i);
            locators.add(store.put(randomName(), data, 0, data.length));
        }
        store.deleteAll(locators);
        for (Locator locator : locators) {
            assertThrows(StoreException.NotFound.class, () -> store.stat(locator));
        }
    }

    @Test
    void aRetriedPutLeavesOneReadableObject() throws Exception {
        String name = randomName();
        byte[] data = randomBytes(4_096);
        Locator first = store.put(name, data, 0, data.length);
        Locator second = store.put(name, data, 0, data.length);
        assertArrayEquals(data, readAll(store.open(second, 0, data.length)));
        assertArrayEquals(data, readAll(store.open(first, 0, data.length)));
    }

    @Test
    void distinctPutsGetDistinctLocators() throws Exception {
        byte[] data = randomBytes(64);
        Locator a = store.put(randomName(), data, 0, data.length);
        Locator b = store.put(randomName(), data, 0, data.length);
        assertNotEquals(a, b);
        store.delete(a);
        assertArrayEquals(data, readAll(store.open(b, 0, data.length)));
    }

    @Test
    void aLocatorOfAnotherStoreIsRefused() {
        Locator foreign = Locator.of("elsewhere", "0123456789abcdef0123456789abcdef");
        assertThrows(StoreException.Permanent.class, () -> store.stat(foreign));
    }

    @Test
    void listReportsStoredObjectsAndNotDeletedOnes() throws Exception {
        if (!store.properties().listable()) {
            assertThrows(UnsupportedOperationException.class, () -> store.list(l -> { }));
            return;
        }
        byte[] data = randomBytes(128);
        Locator kept = store.put(randomName(), data, 0, data.length);
        Locator removed = store.put(randomName(), data, 0, data.length);
        store.delete(removed);
        Set<Locator> listed = new HashSet<>();
        store.list(listed::add);
        assertTrue(listed.contains(kept), "listed " + listed);
        assertFalse(listed.contains(removed), "listed " + listed);
    }

    @Test
    void pointersAreReplacedAndReadBack() throws Exception {
        assertTrue(store.getPointer("metadata").isEmpty());
        store.putPointer("metadata", "first".getBytes(StandardCharsets.UTF_8));
        store.putPointer("metadata", "second".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("second".getBytes(StandardCharsets.UTF_8), store.getPointer("metadata").orElseThrow());
        assertTrue(store.getPointer("other").isEmpty());
    }

    @Test
    void concurrentPutsAreAllReadable() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<byte[]> payloads = new ArrayList<>();
            List<Future<Locator>> futures = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                byte[] data = randomBytes(20_000 + i);
                String name = randomName();
                payloads.add(data);
                futures.add(pool.submit(() -> store.put(name, data, 0, data.length)));
            }
            for (int i = 0; i < futures.size(); i++) {
                Locator locator = futures.get(i).get(60, TimeUnit.SECONDS);
                byte[] expected = payloads.get(i);
                assertArrayEquals(expected, readAll(store.open(locator, 0, expected.length)));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
