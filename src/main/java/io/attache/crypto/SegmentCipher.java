package io.attache.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Seals and opens the segments of {@link ChunkFormat} with AES-256-GCM from the JDK provider,
 * which uses the CPU's AES and carry-less multiply instructions. One instance holds one
 * {@link Cipher} and is reused for many segments; it is not thread-safe (use one per thread, see
 * {@link #forThread()}).
 */
public final class SegmentCipher {

    private static final ThreadLocal<SegmentCipher> PER_THREAD = ThreadLocal.withInitial(SegmentCipher::new);

    private final Cipher cipher;
    private final SecureRandom random;

    public SegmentCipher() {
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
            this.random = SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            throw new IllegalStateException("the JDK lacks AES-GCM or DRBG", e);
        }
    }

    public static SegmentCipher forThread() {
        return PER_THREAD.get();
    }

    /**
     * Seals and opens {@code rounds} small segments so that HotSpot compiles the AES-GCM path with
     * its CPU intrinsics. Until then every segment goes through the JDK's Java GHASH, some 30 times
     * slower: without this, the first few hundred megabytes after a start crawl. About 0.3 s for
     * 20,000 rounds.
     */
    public static void warmUp(int rounds) {
        SegmentCipher cipher = new SegmentCipher();
        ContentKey key = ContentKey.generate(cipher.random);
        byte[] sealed = new byte[1024 + ChunkFormat.SEGMENT_OVERHEAD];
        byte[] plain = new byte[1024];
        for (int i = 0; i < rounds; i++) {
            int n = cipher.sealInPlace(key, 0, i, true, sealed, ChunkFormat.NONCE_SIZE, plain.length);
            try {
                cipher.open(key, 0, i, true, sealed, 0, n, plain, 0);
            } catch (AuthenticationFailedException e) {
                throw new IllegalStateException("AES-GCM failed its own round trip", e);
            }
        }
    }

    /**
     * Encrypts a segment in place. The plaintext is at {@code buf[plainOffset, plainOffset+length)};
     * the nonce is written into the {@link ChunkFormat#NONCE_SIZE} bytes before it and the tag into
     * the {@link ChunkFormat#TAG_SIZE} bytes after it, so the buffer must have room on both sides.
     *
     * @return the length of the sealed segment, {@code length + SEGMENT_OVERHEAD}
     */
    public int sealInPlace(ContentKey key, long chunkIndex, int segmentIndex, boolean last,
                           byte[] buf, int plainOffset, int length) {
        byte[] nonce = new byte[ChunkFormat.NONCE_SIZE];
        random.nextBytes(nonce);
        return sealInPlace(key, chunkIndex, segmentIndex, last, buf, plainOffset, length, nonce);
    }

    /** As above with a given nonce: for known-answer vectors only, a nonce must never repeat. */
    int sealInPlace(ContentKey key, long chunkIndex, int segmentIndex, boolean last,
                    byte[] buf, int plainOffset, int length, byte[] nonce) {
        checkSegmentLength(length);
        int nonceOffset = plainOffset - ChunkFormat.NONCE_SIZE;
        System.arraycopy(nonce, 0, buf, nonceOffset, nonce.length);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(ChunkFormat.TAG_SIZE * 8, nonce));
            cipher.updateAAD(ChunkFormat.aad(key.contentIdUnsafe(), chunkIndex, segmentIndex, last));
            int written = cipher.doFinal(buf, plainOffset, length, buf, plainOffset);
            return ChunkFormat.NONCE_SIZE + written;
        } catch (ShortBufferException e) {
            throw new IllegalArgumentException("no room for the tag after the segment", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Authenticates and decrypts one sealed segment ({@code nonce || ciphertext || tag}) from
     * {@code in} into {@code out}. Nothing is written to {@code out} unless the segment is
     * authentic: the JDK's GCM releases plaintext only after the tag checks.
     *
     * @return the plaintext length
     * @throws AuthenticationFailedException when the segment is corrupt, truncated, moved, or
     *                                       encrypted under another key
     */
    public int open(ContentKey key, long chunkIndex, int segmentIndex, boolean last,
                    byte[] in, int offset, int sealedLength, byte[] out, int outOffset)
            throws AuthenticationFailedException {
        int cipherLength = sealedLength - ChunkFormat.NONCE_SIZE;
        if (cipherLength < ChunkFormat.TAG_SIZE + 1 || cipherLength > ChunkFormat.SEGMENT_SIZE + ChunkFormat.TAG_SIZE) {
            throw new AuthenticationFailedException("segment " + segmentIndex + " of chunk " + chunkIndex
                    + " has an impossible length " + sealedLength);
        }
        try {
            cipher.init(Cipher.DECRYPT_MODE, key.secretKey(),
                    new GCMParameterSpec(ChunkFormat.TAG_SIZE * 8, in, offset, ChunkFormat.NONCE_SIZE));
            cipher.updateAAD(ChunkFormat.aad(key.contentIdUnsafe(), chunkIndex, segmentIndex, last));
            return cipher.doFinal(in, offset + ChunkFormat.NONCE_SIZE, cipherLength, out, outOffset);
        } catch (AEADBadTagException e) {
            throw new AuthenticationFailedException("segment " + segmentIndex + " of chunk " + chunkIndex
                    + " failed authentication", e);
        } catch (ShortBufferException e) {
            throw new IllegalArgumentException("output buffer too small for segment " + segmentIndex, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    private static void checkSegmentLength(int length) {
        if (length < 1 || length > ChunkFormat.SEGMENT_SIZE) {
            throw new IllegalArgumentException("a segment holds 1.." + ChunkFormat.SEGMENT_SIZE + " bytes, got " + length);
        }
    }
}
