package io.attache.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded on-disk cache of whole chunks in front of a remote store. Chunks are cached when they
 * are uploaded and when a read fetches a whole chunk (sequential playback reads ahead whole
 * chunks); a short range read of an uncached chunk goes to the store for just those bytes, so a
 * seek stays cheap. The least recently used chunks are evicted beyond {@code maxBytes}. The cache
 * is a folder of files named by a hash of the locator and survives restarts (their modification
 * times keep the use order). Cached bytes are ciphertext: a damaged copy fails authentication, and
 * {@link #reportCorrupt} drops it.
 */
public final class CachingChunkStore extends ForwardingChunkStore {

    private static final Logger log = LoggerFactory.getLogger(CachingChunkStore.class);

    private final Path dir;
    private final long maxBytes;
    /** Access order: the first entry is the least recently used. Guarded by {@code this}. */
    private final LinkedHashMap<String, Long> sizes = new LinkedHashMap<>(16, 0.75f, true);
    private long total;
    private final java.util.concurrent.atomic.AtomicLong hits = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong misses = new java.util.concurrent.atomic.AtomicLong();

    public CachingChunkStore(ChunkStore inner, Path dir, long maxBytes) throws IOException {
        super(inner);
        this.dir = Files.createDirectories(dir);
        this.maxBytes = maxBytes;
        load();
    }

    /** Rebuilds the index from the folder, oldest modification first. */
    private void load() throws IOException {
        List<Map.Entry<Path, BasicFileAttributes>> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path file : stream) {
                String name = file.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(file);
                } else if (name.matches("[0-9a-f]{64}")) {
                    files.add(Map.entry(file, Files.readAttributes(file, BasicFileAttributes.class)));
                }
            }
        }
        files.sort((a, b) -> a.getValue().lastModifiedTime().compareTo(b.getValue().lastModifiedTime()));
        synchronized (this) {
            for (Map.Entry<Path, BasicFileAttributes> f : files) {
                sizes.put(f.getKey().getFileName().toString(), f.getValue().size());
                total += f.getValue().size();
            }
        }
        evict();
    }

    @Override
    public Locator put(String chunkName, byte[] data, int offset, int length) throws StoreException {
        Locator locator = inner.put(chunkName, data, offset, length);
        try {
            remember(locator, out -> out.write(data, offset, length), length);
        } catch (IOException e) {
            log.debug("Could not cache chunk {}: {}", locator, e.toString());
        }
        return locator;
    }

    @Override
    public InputStream open(Locator locator, long offset, long length) throws StoreException {
        String key = key(locator);
        Long size;
        synchronized (this) {
            size = sizes.get(key);
        }
        if (size != null) {
            InputStream cached = openCached(key, offset, length, size);
            if (cached != null) {
                hits.incrementAndGet();
                return cached;
            }
        }
        misses.incrementAndGet();
        if (offset <= 1 && length >= 1 << 20) {
            long objectSize = inner.stat(locator);
            if (offset + length == objectSize && fetchWhole(locator, key, objectSize)) {
                InputStream cached = openCached(key, offset, length, objectSize);
                if (cached != null) {
                    return cached;
                }
            }
        }
        return inner.open(locator, offset, length);
    }

    private InputStream openCached(String key, long offset, long length, long size) {
        if (offset + length > size) {
            return null;
        }
        Path file = dir.resolve(key);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
            return new ExactLengthInputStream(length) {
                private long position = offset;

                @Override
                protected int fill(byte[] b, int off, int len) throws IOException {
                    int n = channel.read(java.nio.ByteBuffer.wrap(b, off, len), position);
                    if (n > 0) {
                        position += n;
                    }
                    return n;
                }

                @Override
                protected IOException endedEarly(long delivered, long total) {
                    return new java.io.EOFException("cached chunk ended after " + delivered + " of " + total + " bytes");
                }

                @Override
                public void close() throws IOException {
                    channel.close();
                }
            };
        } catch (NoSuchFileException e) {
            forget(key);
            return null;
        } catch (IOException e) {
            log.debug("Cached chunk {} unreadable: {}", key, e.toString());
            forget(key);
            return null;
        }
    }

    /** Downloads a whole chunk into the cache; false when it could not. */
    private boolean fetchWhole(Locator locator, String key, long size) {
        try (InputStream in = inner.open(locator, 0, size)) {
            remember(locator, in::transferTo, size);
            return true;
        } catch (IOException e) {
            log.debug("Could not cache chunk {}: {}", locator, e.toString());
            return false;
        }
    }

    /** Writes a copy through a temp file and adds it to the index. */
    private void remember(Locator locator, Writer writer, long size) throws IOException {
        if (maxBytes <= 0 || size > maxBytes) {
            return;
        }
        String key = key(locator);
        Path temp = dir.resolve(key + "." + Thread.currentThread().getId() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temp)) {
            writer.write(out);
        }
        if (Files.size(temp) != size) {
            Files.deleteIfExists(temp);
            throw new IOException("cached copy of " + locator + " has the wrong length");
        }
        Files.move(temp, dir.resolve(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        synchronized (this) {
            Long previous = sizes.put(key, size);
            total += size - (previous == null ? 0 : previous);
        }
        evict();
    }

    private void evict() throws IOException {
        while (true) {
            String victim;
            synchronized (this) {
                if (total <= maxBytes || sizes.isEmpty()) {
                    return;
                }
                Map.Entry<String, Long> eldest = sizes.entrySet().iterator().next();
                victim = eldest.getKey();
                sizes.remove(victim);
                total -= eldest.getValue();
            }
            Files.deleteIfExists(dir.resolve(victim));
        }
    }

    private void forget(String key) {
        synchronized (this) {
            Long size = sizes.remove(key);
            if (size != null) {
                total -= size;
            }
        }
        try {
            Files.deleteIfExists(dir.resolve(key));
        } catch (IOException e) {
            log.debug("Could not remove cached chunk {}: {}", key, e.toString());
        }
    }

    @Override
    public void reportCorrupt(Locator locator) {
        forget(key(locator));
        inner.reportCorrupt(locator);
    }

    @Override
    public void delete(Locator locator) throws StoreException {
        forget(key(locator));
        inner.delete(locator);
    }

    @Override
    public void deleteAll(Collection<Locator> locators) throws StoreException {
        for (Locator locator : locators) {
            forget(key(locator));
        }
        inner.deleteAll(locators);
    }

    /** Reads served from the cache since the start. */
    public long hits() {
        return hits.get();
    }

    /** Reads that found their chunk not cached (they may have cached it). */
    public long misses() {
        return misses.get();
    }

    @Override
    public void status(java.util.Map<String, Object> into) {
        long h = hits();
        long m = misses();
        into.put("cache hits", h);
        into.put("cache misses", m);
        into.put("cache hit rate", h + m == 0 ? null : Math.round(1000.0 * h / (h + m)) / 10.0 + " %");
        into.put("cache bytes", cachedBytes());
        into.put("cache limit bytes", maxBytes);
        inner.status(into);
    }

    /** Bytes currently cached. */
    public synchronized long cachedBytes() {
        return total;
    }

    private static String key(Locator locator) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(locator.value().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface Writer {
        void write(OutputStream out) throws IOException;
    }
}
