package io.attache.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The write-back staging area in front of a remote store, like rclone's VFS cache in
 * {@code writes} mode: blobs written here are durable on the local disk and readable at once,
 * under locators of the scheme {@value #SCHEME}, until the uploader has put them into packs in
 * the store. Everything that is not staged passes through to the store.
 *
 * <p>Bounded: a writer reserves room for what it is about to write before it writes it, and
 * waits while there is none. Room comes back when a staged blob is deleted after its upload. A
 * reservation covers a whole blob, so a writer that has started a blob never waits in the middle
 * of it, and every finished blob can be uploaded: staging cannot fill up with data that nothing
 * can move.
 */
public final class StagingStore extends ForwardingChunkStore {

    public static final String SCHEME = "staged";
    private static final Logger log = LoggerFactory.getLogger(StagingStore.class);

    private final Path dir;
    private final long maxBytes;
    /** The node this staging area belongs to, named in its locators; null on a single node. */
    private final String node;
    private final SecureRandom random = new SecureRandom();
    /** Bytes on disk plus bytes reserved by writers, never above {@link #maxBytes}. Guarded by {@code this}. */
    private long used;

    public StagingStore(ChunkStore store, Path dir, long maxBytes) throws IOException {
        this(store, dir, maxBytes, null);
    }

    /**
     * @param node the id of the node this staging area belongs to, in a cluster: its locators
     *             are then {@code staged:NODE/NAME}, so that every node knows whose staging
     *             area holds a blob (see {@link PeerStagingStore}); null on a single node, whose
     *             locators are {@code staged:NAME}
     */
    public StagingStore(ChunkStore store, Path dir, long maxBytes, String node) throws IOException {
        super(store);
        if (node != null && !NODE.matcher(node).matches()) {
            throw new IllegalArgumentException("not a node id: " + node);
        }
        this.dir = Files.createDirectories(dir);
        this.maxBytes = maxBytes;
        this.node = node;
        this.used = sizeOfFiles();
    }

    /** What a node id looks like: it is part of locators, LIKE patterns and URLs. */
    public static final java.util.regex.Pattern NODE = java.util.regex.Pattern.compile("[0-9a-f]{8,32}");

    /**
     * The LIKE pattern of the locators that node {@code node} stages (null: the single node, which
     * stages them all): which staged packs are its to upload and delete.
     */
    public static String ownPattern(String node) {
        return node == null ? SCHEME + ":%" : SCHEME + ":" + node + "/%";
    }

    /** The node whose staging area holds a staged locator, or null for an unqualified one (a single node's). */
    public static String nodeOf(Locator locator) {
        String rest = locator.rest();
        int slash = rest.indexOf('/');
        return slash < 0 ? null : rest.substring(0, slash);
    }

    /** True for a locator this staging area issued. */
    public static boolean isStaged(Locator locator) {
        return SCHEME.equals(locator.scheme());
    }

    public static boolean isStaged(String locator) {
        return locator.startsWith(SCHEME + ":");
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Bytes staged or reserved now. */
    public synchronized long usedBytes() {
        return used;
    }

    /**
     * Starts a staged blob of at most {@code reserve} bytes, waiting until staging has room for
     * it. The blob may grow past its reservation; the excess is taken without waiting (a client
     * that declared a shorter body than it sent), so a writer never waits inside a blob.
     */
    public Blob create(long reserve) throws IOException {
        if (reserve <= 0 || reserve > maxBytes) {
            throw new IllegalArgumentException("a reservation of " + reserve + " bytes in a staging area of " + maxBytes);
        }
        reserve(reserve);
        String name = HexFormat.of().formatHex(randomName());
        try {
            FileChannel channel = FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new Blob(Locator.of(SCHEME, node == null ? name : node + "/" + name), channel, reserve);
        } catch (IOException e) {
            release(reserve);
            throw e;
        }
    }

    private synchronized void reserve(long bytes) throws InterruptedIOException {
        boolean waited = false;
        while (used + bytes > maxBytes) {
            if (!waited) {
                log.debug("Staging is full ({} of {} bytes): a write waits for uploads", used, maxBytes);
                waited = true;
            }
            try {
                wait(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for room in staging");
            }
        }
        used += bytes;
    }

    private synchronized void release(long bytes) {
        used -= bytes;
        notifyAll();
    }

    private synchronized void take(long bytes) {
        used += bytes;
    }

    /** A blob being written into staging. Not thread-safe: one writer at a time. */
    public final class Blob implements AutoCloseable {
        private final Locator locator;
        private final FileChannel channel;
        private long reserved;
        private long written;
        private boolean done;

        private Blob(Locator locator, FileChannel channel, long reserved) {
            this.locator = locator;
            this.channel = channel;
            this.reserved = reserved;
        }

        public Locator locator() {
            return locator;
        }

        public long written() {
            return written;
        }

        public void write(byte[] b, int off, int len) throws IOException {
            if (written + len > reserved) {
                take(written + len - reserved);
                reserved = written + len;
            }
            ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            written += len;
        }

        /** Ends the blob: the reservation shrinks to what was written. Not yet durable, see {@link #sync}. */
        public void finish() throws IOException {
            channel.close();
            done = true;
            release(reserved - written);
            reserved = written;
        }

        /** Removes a blob that will not be finished, and its reservation. */
        @Override
        public void close() {
            if (done) {
                return;
            }
            done = true;
            try {
                channel.close();
                Files.deleteIfExists(fileOf(locator));
            } catch (IOException e) {
                log.warn("Cannot remove the unfinished staged blob {}: {}", locator, e.toString());
            }
            release(reserved);
        }
    }

    /**
     * Makes the staged blobs of {@code locators} durable: their contents and their names. A blob
     * already uploaded and removed needs nothing.
     */
    public void sync(Collection<Locator> locators) throws IOException {
        for (Locator locator : locators) {
            try (FileChannel channel = FileChannel.open(fileOf(locator), StandardOpenOption.WRITE)) {
                channel.force(true);
            } catch (NoSuchFileException gone) {
                // uploaded in the meantime
            }
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    @Override
    public InputStream open(Locator locator, long offset, long length) throws StoreException {
        if (!isStaged(locator)) {
            return inner.open(locator, offset, length);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(fileOf(locator), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new StoreException.NotFound("no staged blob " + locator);
        } catch (IOException e) {
            throw new StoreException.Retryable("cannot open staged blob " + locator + ": " + e.getMessage(), e);
        }
        try {
            if (offset < 0 || length < 0 || offset + length > channel.size()) {
                long size = channel.size();
                channel.close();
                throw new StoreException.Permanent("staged blob " + locator + " has " + size + " bytes, range "
                        + offset + "+" + length + " asked for more");
            }
        } catch (IOException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the first failure is the one to report
            }
            throw e instanceof StoreException se ? se : new StoreException.Retryable("cannot read " + locator, e);
        }
        return new FileRangeStream(channel, offset, length);
    }

    @Override
    public long stat(Locator locator) throws StoreException {
        if (!isStaged(locator)) {
            return inner.stat(locator);
        }
        try {
            return Files.size(fileOf(locator));
        } catch (NoSuchFileException e) {
            throw new StoreException.NotFound("no staged blob " + locator);
        } catch (IOException e) {
            throw new StoreException.Retryable("cannot stat " + locator, e);
        }
    }

    @Override
    public void delete(Locator locator) throws StoreException {
        if (!isStaged(locator)) {
            inner.delete(locator);
            return;
        }
        try {
            Path file = fileOf(locator);
            long size;
            try {
                size = Files.size(file);
            } catch (NoSuchFileException gone) {
                return;
            }
            if (Files.deleteIfExists(file)) {
                release(size);
            }
        } catch (IOException e) {
            throw new StoreException.Retryable("cannot delete " + locator + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteAll(Collection<Locator> locators) throws StoreException {
        List<Locator> remote = new ArrayList<>();
        for (Locator locator : locators) {
            if (isStaged(locator)) {
                delete(locator);
            } else {
                remote.add(locator);
            }
        }
        if (!remote.isEmpty()) {
            inner.deleteAll(remote);
        }
    }

    /** Every staged blob on disk, for start-up recovery and gc. */
    public List<Locator> listStaged() throws IOException {
        List<Locator> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (CHUNK_NAME.matcher(name).matches()) {
                    out.add(Locator.of(SCHEME, node == null ? name : node + "/" + name));
                }
            }
        }
        return out;
    }

    /**
     * Deletes every staged blob not in {@code keep}: blobs of writes that never recorded them (the
     * server stopped first). Only safe while no write is under way.
     *
     * @return how many were deleted
     */
    public int deleteAllBut(Set<String> keep) throws IOException {
        int deleted = 0;
        for (Locator locator : listStaged()) {
            if (!keep.contains(locator.value())) {
                delete(locator);
                deleted++;
            }
        }
        return deleted;
    }

    /** The file of a blob this staging area issued; a blob of another node's staging area is not here. */
    private Path fileOf(Locator locator) throws StoreException.Permanent {
        String owner = isStaged(locator) ? nodeOf(locator) : null;
        String name = owner == null ? locator.rest() : locator.rest().substring(owner.length() + 1);
        if (!isStaged(locator) || !CHUNK_NAME.matcher(name).matches()) {
            throw new StoreException.Permanent("not a staged locator: " + locator);
        }
        if (owner != null && !owner.equals(node)) {
            throw new StoreException.Permanent(locator + " is staged on node " + owner + ", this is "
                    + (node == null ? "a single node" : "node " + node));
        }
        return dir.resolve(name);
    }

    private long sizeOfFiles() throws IOException {
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                if (Files.isRegularFile(file)) {
                    total += Files.size(file);
                }
            }
        }
        return total;
    }

    private byte[] randomName() {
        byte[] name = new byte[16];
        random.nextBytes(name);
        return name;
    }
}
