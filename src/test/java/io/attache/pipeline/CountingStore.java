package io.attache.pipeline;

import io.attache.store.ChunkStore;
import io.attache.store.ForwardingChunkStore;
import io.attache.store.Locator;
import io.attache.store.StoreException;

import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Passes everything to a real store and counts what was asked of it. */
final class CountingStore extends ForwardingChunkStore {

    final AtomicLong bytesRequested = new AtomicLong();
    final AtomicInteger opens = new AtomicInteger();
    final AtomicInteger puts = new AtomicInteger();

    CountingStore(ChunkStore delegate) {
        super(delegate);
    }

    void reset() {
        bytesRequested.set(0);
        opens.set(0);
        puts.set(0);
    }

    @Override
    public Locator put(String chunkName, byte[] data, int offset, int length) throws StoreException {
        puts.incrementAndGet();
        return super.put(chunkName, data, offset, length);
    }

    @Override
    public InputStream open(Locator locator, long offset, long length) throws StoreException {
        opens.incrementAndGet();
        bytesRequested.addAndGet(length);
        return super.open(locator, offset, length);
    }
}
