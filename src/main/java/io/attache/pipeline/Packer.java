package io.attache.pipeline;

import io.attache.store.ChunkStore;
import io.attache.store.Locator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Puts the small blobs of concurrent writes into shared packs, for writes that wait until their
 * content is in the store (write-through). A write copies its sealed blob into the open pack and
 * waits; a storing thread that is free closes the open pack, stores it as one object, records it
 * with its blobs in the journal, and wakes the writers in it. It works like a group commit: a
 * lone blob is stored as soon as it arrives, and while a pack is being stored the next one fills
 * with whatever arrives meanwhile, so under load many small writes share one store request (one
 * fsync on the local store, one message on Discord).
 *
 * <p>Memory is bounded by the pool of pack buffers: one open pack plus one per storing thread.
 */
public final class Packer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Packer.class);

    private final ChunkStore store;
    private final PendingChunkLog journal;
    private final BufferPool buffers;
    private final int capacity;
    private final PackFill fill;
    private final List<Thread> storers = new ArrayList<>();
    private final SecureRandom random = new SecureRandom();
    /** Packs closed and waiting for a storing thread, oldest first. Guarded by {@code this}. */
    private final Deque<Pack> closed = new ArrayDeque<>();
    private Pack open;
    private int idleStorers;
    private int storing;
    private long added;
    private boolean stopped;

    /** A pack being filled or stored, and the writers waiting for it. */
    private static final class Pack {
        final byte[] buffer;
        int used;
        final List<PendingChunkLog.Blob> blobs = new ArrayList<>();
        final CompletableFuture<String> stored = new CompletableFuture<>();

        Pack(byte[] buffer) {
            this.buffer = buffer;
        }
    }

    /**
     * @param buffers  pack buffers, each one pack's capacity; {@code concurrency + 1} are enough
     * @param storers  threads storing packs at once
     */
    public Packer(ChunkStore store, PendingChunkLog journal, BufferPool buffers, int storers) {
        this(store, journal, buffers, storers, new PackFill(buffers.bufferSize()));
    }

    /** @param fill counts the packs stored, for the metrics */
    public Packer(ChunkStore store, PendingChunkLog journal, BufferPool buffers, int storers, PackFill fill) {
        if (buffers.bufferSize() > store.properties().maxObjectSize()) {
            throw new IllegalArgumentException("packs of " + buffers.bufferSize() + " bytes exceed the store's limit of "
                    + store.properties().maxObjectSize());
        }
        this.store = store;
        this.journal = journal;
        this.buffers = buffers;
        this.capacity = buffers.bufferSize();
        this.fill = fill;
        for (int i = 0; i < Math.max(1, storers); i++) {
            Thread t = new Thread(this::storeLoop, "attache-packer-" + (i + 1));
            t.setDaemon(true);
            this.storers.add(t);
            t.start();
        }
    }

    /** Blobs handed over since the start (for tests). */
    synchronized long added() {
        return added;
    }

    /** The largest blob a pack can take. */
    public int capacity() {
        return capacity;
    }

    /** A blob in a pack that is being filled or stored. */
    public static final class Placed {
        private final Pack pack;
        private final long offset;
        private final int plainSize;

        private Placed(Pack pack, long offset, int plainSize) {
            this.pack = pack;
            this.offset = offset;
            this.plainSize = plainSize;
        }

        /** Waits until the pack is stored and recorded; returns where the blob is. */
        public Content.StoredChunk await() throws IOException {
            try {
                return new Content.StoredChunk(pack.stored.get(), offset, plainSize);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while a pack was stored");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException("storing a pack failed: " + e.getCause(), e.getCause());
            }
        }
    }

    /**
     * Copies {@code length} bytes of {@code blob} from {@code offset}, the sealed chunk
     * {@code index} of the write {@code contentId}, into a pack shared with other writes. The
     * caller may reuse its buffer at once and then {@link Placed#await} the pack.
     */
    public Placed add(byte[] contentId, int index, byte[] blob, int offset, int length, int plainSize)
            throws IOException {
        if (length <= 0 || length > capacity) {
            throw new IllegalArgumentException("a blob of " + length + " bytes does not fit a pack of " + capacity);
        }
        Pack pack;
        long at;
        synchronized (this) {
            while (open == null || open.used + length > capacity) {
                if (stopped) {
                    throw new IOException("the packer is stopped");
                }
                if (open != null) {
                    closeOpen();
                }
                byte[] buffer = buffers.tryAcquire();
                if (buffer == null) {
                    waitUninterruptibly();
                    continue;
                }
                open = new Pack(buffer);
            }
            pack = open;
            at = pack.used;
            System.arraycopy(blob, offset, pack.buffer, (int) at, length);
            pack.used += length;
            pack.blobs.add(new PendingChunkLog.Blob(contentId, index, at, length, plainSize));
            added++;
            if (idleStorers > 0 && storing == 0) {
                notifyAll();
            }
        }
        return new Placed(pack, at, plainSize);
    }

    private void closeOpen() {
        closed.addLast(open);
        open = null;
        notifyAll();
    }

    private void storeLoop() {
        while (true) {
            Pack pack;
            synchronized (this) {
                while (closed.isEmpty() && !openIsDue() && !stopped) {
                    idleStorers++;
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        stopped = true;
                    } finally {
                        idleStorers--;
                    }
                }
                if (closed.isEmpty() && open != null && !open.blobs.isEmpty() && (storing == 0 || stopped)) {
                    closeOpen();
                }
                if (closed.isEmpty()) {
                    if (stopped) {
                        return;
                    }
                    continue;
                }
                pack = closed.removeFirst();
                storing++;
            }
            store(pack);
        }
    }

    /**
     * The open pack goes out once no other is being stored: like a group commit, a lone blob
     * leaves at once, and while one pack is stored the next gathers whatever arrives meanwhile.
     * Full packs go out in parallel, up to the storing threads.
     */
    private boolean openIsDue() {
        return open != null && !open.blobs.isEmpty() && storing == 0;
    }

    private void store(Pack pack) {
        try {
            byte[] name = new byte[16];
            random.nextBytes(name);
            Locator locator = store.put(HexFormat.of().formatHex(name), pack.buffer, 0, pack.used);
            journal.stored(locator.value(), pack.used, false, pack.blobs);
            fill.stored(pack.used);
            pack.stored.complete(locator.value());
        } catch (IOException | RuntimeException e) {
            log.debug("Storing a pack of {} blobs failed: {}", pack.blobs.size(), e.toString());
            pack.stored.completeExceptionally(e);
        } finally {
            synchronized (this) {
                storing--;
                buffers.release(pack.buffer);
                notifyAll();
            }
        }
    }

    private void waitUninterruptibly() throws InterruptedIOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a pack buffer");
        }
    }

    /** Stores what is open and stops the storing threads once nothing is left. */
    @Override
    public void close() {
        synchronized (this) {
            stopped = true;
            notifyAll();
        }
        for (Thread t : storers) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
