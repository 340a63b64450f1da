package io.attache.testing;

import io.attache.store.ChunkStore;
import io.attache.store.ForwardingChunkStore;
import io.attache.store.Locator;
import io.attache.store.StoreException;

import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real store whose puts a test can hold back ({@link #stall}) or fail ({@link #fail}), and which
 * counts what was asked of it.
 */
public final class StallableStore extends ForwardingChunkStore {

    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile StoreException failure;
    public final List<Integer> putSizes = new CopyOnWriteArrayList<>();
    public final AtomicInteger opens = new AtomicInteger();
    public final AtomicLong bytesRequested = new AtomicLong();
    public final AtomicInteger failedPuts = new AtomicInteger();
    private final AtomicInteger stalled = new AtomicInteger();

    public StallableStore(ChunkStore inner) {
        super(inner);
    }

    /** Puts wait until {@link #resume}. */
    public void stall() {
        gate = new CountDownLatch(1);
    }

    public void resume() {
        gate.countDown();
    }

    /** Puts fail with {@code e} until {@code fail(null)}. */
    public void fail(StoreException e) {
        failure = e;
    }

    /** Waits until {@code n} puts are held back by {@link #stall}. */
    public void awaitStalled(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (stalled.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + stalled.get() + " of " + n + " puts arrived");
            }
            Thread.sleep(5);
        }
    }

    public long bytesPut() {
        return putSizes.stream().mapToLong(Integer::longValue).sum();
    }

    @Override
    public Locator put(String chunkName, byte[] data, int offset, int length) throws StoreException {
        stalled.incrementAndGet();
        try {
            if (!gate.await(120, TimeUnit.SECONDS)) {
                throw new StoreException.Retryable("the test never resumed the store");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Retryable("interrupted while stalled", e);
        } finally {
            stalled.decrementAndGet();
        }
        StoreException e = failure;
        if (e != null) {
            failedPuts.incrementAndGet();
            throw e;
        }
        putSizes.add(length);
        return super.put(chunkName, data, offset, length);
    }

    @Override
    public InputStream open(Locator locator, long offset, long length) throws StoreException {
        opens.incrementAndGet();
        bytesRequested.addAndGet(length);
        return super.open(locator, offset, length);
    }
}
