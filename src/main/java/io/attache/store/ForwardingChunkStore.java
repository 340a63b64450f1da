package io.attache.store;

import java.io.InputStream;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A store that passes every call, {@link #reportCorrupt} and {@link #close} included, to the
 * store it wraps. The decorators (retries, concurrency limits, the chunk cache) extend it and
 * override only what they change, so a call none of them handles still reaches the real store.
 */
public abstract class ForwardingChunkStore implements ChunkStore {

    protected final ChunkStore inner;

    protected ForwardingChunkStore(ChunkStore inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    @Override
    public String scheme() {
        return inner.scheme();
    }

    @Override
    public StoreProperties properties() {
        return inner.properties();
    }

    @Override
    public Locator put(String chunkName, byte[] data, int offset, int length) throws StoreException {
        return inner.put(chunkName, data, offset, length);
    }

    @Override
    public InputStream open(Locator locator, long offset, long length) throws StoreException {
        return inner.open(locator, offset, length);
    }

    @Override
    public void delete(Locator locator) throws StoreException {
        inner.delete(locator);
    }

    @Override
    public void deleteAll(Collection<Locator> locators) throws StoreException {
        inner.deleteAll(locators);
    }

    @Override
    public long stat(Locator locator) throws StoreException {
        return inner.stat(locator);
    }

    @Override
    public void list(Consumer<Locator> sink) throws StoreException {
        inner.list(sink);
    }

    @Override
    public void reportCorrupt(Locator locator) {
        inner.reportCorrupt(locator);
    }

    @Override
    public void putPointer(String name, byte[] data) throws StoreException {
        inner.putPointer(name, data);
    }

    @Override
    public Optional<byte[]> getPointer(String name) throws StoreException {
        return inner.getPointer(name);
    }

    @Override
    public void status(java.util.Map<String, Object> into) {
        inner.status(into);
    }

    @Override
    public void close() {
        inner.close();
    }
}
