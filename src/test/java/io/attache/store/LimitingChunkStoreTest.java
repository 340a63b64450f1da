package io.attache.store;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LimitingChunkStoreTest {

    /** Puts block until released and record how many ran at once. */
    private static final class GatedStore extends ForwardingChunkStore {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger maxActive = new AtomicInteger();
        final ScriptedStore delegate;

        GatedStore() {
            this(new ScriptedStore());
        }

        private GatedStore(ScriptedStore delegate) {
            super(delegate);
            this.delegate = delegate;
        }

        @Override
        public Locator put(String chunkName, byte[] data, int offset, int length) throws StoreException {
            maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new StoreException.Permanent("interrupted", e);
            } finally {
                active.decrementAndGet();
            }
            return delegate.put(chunkName, data, offset, length);
        }
    }

    @Test
    void noMoreWritesRunAtOnceThanTheCap() throws Exception {
        GatedStore inner = new GatedStore();
        LimitingChunkStore store = new LimitingChunkStore(inner, 3, 2);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String name = "ab0" + i;
            Thread t = new Thread(() -> {
                try {
                    store.put(name, new byte[]{1}, 0, 1);
                } catch (StoreException e) {
                    throw new AssertionError(e);
                }
            });
            threads.add(t);
            t.start();
        }
        // Wait (bounded) until every thread is parked: three inside the store, three at the cap.
        for (int i = 0; i < 3_000 && !allWaiting(threads); i++) {
            Thread.sleep(5);
        }
        assertTrue(allWaiting(threads), "threads never all parked");
        assertEquals(3, inner.active.get());
        assertEquals(0, store.availableWriteSlots());
        inner.release.countDown();
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(3, inner.maxActive.get());
        assertEquals(6, inner.delegate.objects.size());
        assertEquals(3, store.availableWriteSlots());
    }

    private static boolean allWaiting(List<Thread> threads) {
        return threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING);
    }

    @Test
    void anOpenStreamHoldsItsReadSlotUntilClosed() throws Exception {
        ScriptedStore inner = new ScriptedStore();
        Locator locator = inner.put("ac00", new byte[100], 0, 100);
        LimitingChunkStore store = new LimitingChunkStore(inner, 1, 2);
        InputStream a = store.open(locator, 0, 100);
        InputStream b = store.open(locator, 0, 10);
        assertEquals(0, store.availableReadSlots());
        a.close();
        assertEquals(1, store.availableReadSlots());
        a.close();
        assertEquals(1, store.availableReadSlots(), "a second close must not free a second slot");
        b.readAllBytes();
        assertEquals(2, store.availableReadSlots(), "reading to the end frees the slot");
        b.close();
        assertEquals(2, store.availableReadSlots());
    }

    @Test
    void aFailedOpenGivesItsSlotBack() {
        LimitingChunkStore store = new LimitingChunkStore(new ScriptedStore(), 1, 1);
        assertThrows(StoreException.NotFound.class, () -> store.open(Locator.of("mem", "none"), 0, 1));
        assertEquals(1, store.availableReadSlots());
    }

    @Test
    void failuresOfOtherCallsGiveTheirSlotBack() throws Exception {
        ScriptedStore inner = new ScriptedStore();
        LimitingChunkStore store = new LimitingChunkStore(inner, 1, 1);
        inner.failNext(new StoreException.Retryable("boom"));
        assertThrows(StoreException.Retryable.class, () -> store.put("ad00", new byte[1], 0, 1));
        assertEquals(1, store.availableWriteSlots());
        assertThrows(StoreException.NotFound.class, () -> store.stat(Locator.of("mem", "none")));
        assertEquals(1, store.availableReadSlots());
    }

    @Test
    void capsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new LimitingChunkStore(new ScriptedStore(), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new LimitingChunkStore(new ScriptedStore(), 1, 0));
    }
}
