package io.attache.store;

import java.io.InputStream;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Where encrypted chunks live. A store only moves opaque bytes: it never sees plaintext, file
 * names or sizes beyond the ciphertext it is given. Implementations are thread-safe.
 *
 * <p>Retries, rate limits, concurrency caps and caching are wrappers around a store, not code in
 * it: a store makes one attempt per call and classifies its failure as a {@link StoreException}
 * subclass.
 */
public interface ChunkStore extends AutoCloseable {

    /** What a chunk name passed to {@link #put} looks like: 16 to 64 lower-case hex digits. */
    Pattern CHUNK_NAME = Pattern.compile("[0-9a-f]{16,64}");

    /** Refuses a chunk name that does not match {@link #CHUNK_NAME}, for {@link #put} implementations. */
    static void requireChunkName(String chunkName) throws StoreException.Permanent {
        if (!CHUNK_NAME.matcher(chunkName).matches()) {
            throw new StoreException.Permanent("chunk name must be 16-64 lower-case hex digits: " + chunkName);
        }
    }

    /** The scheme of the locators this store issues, for example {@code local}. */
    String scheme();

    StoreProperties properties();

    /**
     * Stores {@code length} bytes of {@code data} from {@code offset} as a new object and returns
     * where it is. {@code chunkName} is a random name chosen by the caller (never derived from a
     * file name); a store may use it as the object's name.
     *
     * <p>Idempotent in effect: calling it again with the same name and bytes (a retry after an
     * ambiguous failure) leaves at most one object that the returned locator names; an object a
     * failed attempt may have left behind is found by {@link #list} and collected.
     * The caller must not modify {@code data} until the call returns.
     *
     * @throws StoreException.Permanent when the bytes can never be stored (too large, no access)
     */
    Locator put(String chunkName, byte[] data, int offset, int length) throws StoreException;

    /**
     * Opens {@code length} bytes of the object starting at {@code offset}. The stream yields
     * exactly those bytes, or fails with an {@link java.io.IOException}; it never ends early
     * without an error. Idempotent.
     *
     * @throws StoreException.NotFound when the object does not exist
     */
    InputStream open(Locator locator, long offset, long length) throws StoreException;

    /**
     * Deletes the object. Idempotent: deleting an object that does not exist succeeds.
     */
    void delete(Locator locator) throws StoreException;

    /**
     * Deletes several objects. A store that can delete in bulk overrides this; the default deletes
     * one at a time and stops at the first failure. Idempotent.
     */
    default void deleteAll(Collection<Locator> locators) throws StoreException {
        for (Locator locator : locators) {
            delete(locator);
        }
    }

    /**
     * The object's size in bytes. Idempotent.
     *
     * @throws StoreException.NotFound when the object does not exist
     */
    long stat(Locator locator) throws StoreException;

    /**
     * Reports every object this store holds, for garbage collection of objects that no metadata
     * references. Only when {@link StoreProperties#listable()}.
     *
     * @throws UnsupportedOperationException when the store cannot list
     */
    default void list(Consumer<Locator> sink) throws StoreException {
        throw new UnsupportedOperationException(scheme() + " store cannot list its objects");
    }

    /**
     * A hint that bytes read from {@code locator} did not authenticate. A store that keeps copies
     * (a cache) drops its copy so that the next read fetches the original; others ignore it.
     */
    default void reportCorrupt(Locator locator) {
    }

    /**
     * Writes a small named record that can be found again with nothing but this store's
     * configuration: the pointer to the newest metadata snapshot, for disaster recovery. It
     * replaces the previous record of that name; a reader sees the old one or the new one, never
     * a mix. The bytes are already encrypted by the caller. {@code name} is [a-z0-9-]{1,40}.
     */
    void putPointer(String name, byte[] data) throws StoreException;

    /** The newest record written by {@link #putPointer}, or empty when there is none. */
    Optional<byte[]> getPointer(String name) throws StoreException;

    /**
     * Adds what this store and the wrappers around it know about their health (lanes, retired
     * credentials, retries, cache hits...) to {@code into}, as readable names and plain values,
     * for the admin pages. Cheap and read-only.
     */
    default void status(java.util.Map<String, Object> into) {
    }

    @Override
    default void close() {
    }
}
