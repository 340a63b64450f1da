package io.attache.jmh;

import io.attache.crypto.ChunkFormat;
import io.attache.pipeline.ChunkLayout;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** Mapping a byte range onto chunks and segments: the arithmetic every ranged GET runs first. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RangeMathBench {

    private static final long SIZE = 50L << 30;
    private static final int CHUNK = ChunkFormat.largestChunkFitting(10 << 20);
    private final SplittableRandom random = new SplittableRandom(1);

    /** A video seek: 64 KiB somewhere in a 50 GiB file. */
    @Benchmark
    public List<ChunkLayout.Span> seek() {
        long offset = random.nextLong(SIZE - 65_536);
        return ChunkLayout.spans(SIZE, CHUNK, offset, 65_536);
    }

    /** A long sequential read: 100 MiB, about ten chunks. */
    @Benchmark
    public List<ChunkLayout.Span> longRead() {
        long offset = random.nextLong(SIZE - (100L << 20));
        return ChunkLayout.spans(SIZE, CHUNK, offset, 100L << 20);
    }
}
