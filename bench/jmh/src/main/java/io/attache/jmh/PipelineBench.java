package io.attache.jmh;

import io.attache.crypto.ChunkFormat;
import io.attache.crypto.MasterKey;
import io.attache.pipeline.BufferPool;
import io.attache.pipeline.ChunkWriter;
import io.attache.pipeline.Content;
import io.attache.pipeline.PendingChunkLog;
import io.attache.pipeline.RangeReader;
import io.attache.store.ChunkStore;
import io.attache.store.Locator;
import io.attache.store.StoreException;
import io.attache.store.StoreProperties;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The chunk pipeline without I/O: 100 MiB through ChunkWriter into an in-memory store, and back
 * through RangeReader. Seconds per operation; 100 MiB divided by it is the pipeline's ceiling.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class PipelineBench {

    private static final int SIZE = 100 << 20;
    private ExecutorService pool;
    private ChunkWriter writer;
    private RangeReader reader;
    private byte[] data;
    private Content written;

    /** Keeps chunks in a map; a benchmark of the CPU work, not of a disk. */
    static final class MemoryStore implements ChunkStore {
        final Map<String, byte[]> objects = new ConcurrentHashMap<>();

        public String scheme() {
            return "mem";
        }

        public StoreProperties properties() {
            return new StoreProperties(1L << 30, true, false);
        }

        public Locator put(String name, byte[] bytes, int off, int len) {
            objects.put(name, java.util.Arrays.copyOfRange(bytes, off, off + len));
            return Locator.of("mem", name);
        }

        public InputStream open(Locator l, long off, long len) {
            return new ByteArrayInputStream(objects.get(l.rest()), (int) off, (int) len);
        }

        public void delete(Locator l) {
            objects.remove(l.rest());
        }

        public long stat(Locator l) {
            return objects.get(l.rest()).length;
        }

        public void putPointer(String name, byte[] bytes) {
        }

        public Optional<byte[]> getPointer(String name) throws StoreException {
            return Optional.empty();
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        MemoryStore store = new MemoryStore();
        MasterKey key = MasterKey.of(MasterKey.generateRaw(new SecureRandom()));
        int chunk = ChunkFormat.largestChunkFitting(10 << 20);
        pool = Executors.newFixedThreadPool(8);
        PendingChunkLog none = new PendingChunkLog() {
            public void stored(byte[] contentId, String locator) {
            }

            public void abandoned(byte[] contentId) {
            }
        };
        writer = new ChunkWriter(store, key, new BufferPool(ChunkFormat.cipherChunkSize(chunk), 8, 60_000), pool, none, chunk, 4);
        reader = new RangeReader(store, key, pool, 2, new BufferPool(chunk, 8, 0));
        data = new byte[SIZE];
        new SecureRandom().nextBytes(data);
        written = writer.write(new ByteArrayInputStream(data), Long.MAX_VALUE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdownNow();
    }

    @Benchmark
    public Content write() throws Exception {
        return writer.write(new ByteArrayInputStream(data), Long.MAX_VALUE);
    }

    @Benchmark
    public void read() throws Exception {
        reader.copy(written, 0, SIZE, OutputStream.nullOutputStream());
    }
}
