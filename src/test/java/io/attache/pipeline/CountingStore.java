package io.attache.pipeline;

import io.attache.store.ChunkStore;
import io.attache.store.Locator;
import io.attache.store.StoreException;
import io.attache.store.StoreProperties;

import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Passes everything to a real store and counts what was asked of it. */
final class CountingStore implements ChunkStore {

    final ChunkStore delegate;
    final AtomicLong bytesRequested = new AtomicLong();
    final AtomicInteger opens = new AtomicInteger();
    final AtomicInteger puts = new AtomicInteger();

    CountingStore(ChunkStore delegate) {
        this.delegate = delegate;
    }

    void reset() {
        bytesRequested.set(0);
        opens.set(0);
        puts.set(0);
    }

    @Override
    public String scheme() {
        return delegate.scheme();
    }

    @Override
    public StoreProperties properties() {
        return delegate.properties();
    }

    @Override
    public Locator put(String chunkName, byte[] data, int offset, int length) throws StoreException {
        puts.incrementAndGet();
        return delegate.put(chunkName, data, offset, length);
    }

    @Override
    public InputStream open(Locator locator, long offset, long length) throws StoreException {
        opens.incrementAndGet();
        bytesRequested.addAndGet(length);
        return delegate.open(locator, offset, length);
    }

    @Override
    public void delete(Locator locator) throws StoreException {
        delegate.delete(locator);
    }

    @Override
    public long stat(Locator locator) throws StoreException {
        return delegate.stat(locator);
    }

    @Override
    public void putPointer(String name, byte[] data) throws StoreException {
        delegate.putPointer(name, data);
    }

    @Override
    public Optional<byte[]> getPointer(String name) throws StoreException {
        return delegate.getPointer(name);
    }
}
