package io.attache.jmh;

import io.attache.crypto.ChunkFormat;
import io.attache.crypto.ContentKey;
import io.attache.crypto.SegmentCipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * Sealing and opening one 64 KiB segment: the JDK's AES-GCM (CPU instructions through HotSpot
 * intrinsics), which Attaché uses, against Bouncy Castle's pure-Java GCM, the alternative the
 * design considered. Throughput in segments per second; multiply by 64 KiB for bytes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CryptoBench {

    private final SegmentCipher jdk = new SegmentCipher();
    private ContentKey key;
    private byte[] buffer;
    private byte[] sealed;
    private byte[] plain;
    private GCMBlockCipher bc;
    private byte[] bcKey;
    private byte[] bcOut;
    private int sealedLength;
    private final byte[] nonce = new byte[12];

    @Setup
    public void setUp() {
        SecureRandom random = new SecureRandom();
        key = ContentKey.generate(random);
        buffer = new byte[ChunkFormat.CIPHER_SEGMENT_SIZE];
        random.nextBytes(buffer);
        sealed = new byte[ChunkFormat.CIPHER_SEGMENT_SIZE];
        System.arraycopy(buffer, 0, sealed, 0, sealed.length);
        sealedLength = jdk.sealInPlace(key, 0, 0, true, sealed, ChunkFormat.NONCE_SIZE, ChunkFormat.SEGMENT_SIZE);
        plain = new byte[ChunkFormat.SEGMENT_SIZE];
        bc = new GCMBlockCipher(new AESEngine());
        bcKey = new byte[32];
        random.nextBytes(bcKey);
        bcOut = new byte[ChunkFormat.SEGMENT_SIZE + 16];
    }

    @Benchmark
    public int jdkSeal() {
        return jdk.sealInPlace(key, 1, 2, false, buffer, ChunkFormat.NONCE_SIZE, ChunkFormat.SEGMENT_SIZE);
    }

    @Benchmark
    public int jdkOpen() throws Exception {
        return jdk.open(key, 0, 0, true, sealed, 0, sealedLength, plain, 0);
    }

    @Benchmark
    public int bouncyCastleSeal() throws Exception {
        nonce[0]++;
        bc.init(true, new AEADParameters(new KeyParameter(bcKey), 128, nonce.clone(), new byte[ChunkFormat.AAD_SIZE]));
        int n = bc.processBytes(buffer, ChunkFormat.NONCE_SIZE, ChunkFormat.SEGMENT_SIZE, bcOut, 0);
        return n + bc.doFinal(bcOut, n);
    }
}
