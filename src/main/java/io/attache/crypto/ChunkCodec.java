package io.attache.crypto;

/**
 * Whole-chunk encryption and decryption on top of {@link SegmentCipher}, for callers that hold a
 * whole chunk in memory. Streaming writers seal segment by segment as they fill a buffer laid
 * out by {@link ChunkFormat}; both produce the same bytes.
 */
public final class ChunkCodec {

    private ChunkCodec() {
    }

    /** Where segment {@code index}'s plaintext goes in an encrypted chunk buffer. */
    public static int plainOffset(int index) {
        return Math.toIntExact(ChunkFormat.segmentOffset(index) + ChunkFormat.NONCE_SIZE);
    }

    /**
     * Seals a chunk whose plaintext has already been placed at {@link #plainOffset} of each
     * segment in {@code buf}. Writes the header, nonces and tags around it.
     *
     * @return the encrypted length, {@link ChunkFormat#cipherChunkSize}
     */
    public static int sealInPlace(SegmentCipher cipher, ContentKey key, long chunkIndex, byte[] buf, int plainLength) {
        int segments = ChunkFormat.segmentCount(plainLength);
        buf[0] = ChunkFormat.VERSION;
        for (int i = 0; i < segments; i++) {
            cipher.sealInPlace(key, chunkIndex, i, i == segments - 1, buf, plainOffset(i),
                    ChunkFormat.segmentPlainLength(plainLength, i));
        }
        return ChunkFormat.cipherChunkSize(plainLength);
    }

    /** Encrypts {@code plain} as chunk {@code chunkIndex} into a new array. */
    public static byte[] encrypt(SegmentCipher cipher, ContentKey key, long chunkIndex, byte[] plain) {
        int segments = ChunkFormat.segmentCount(plain.length);
        byte[] out = new byte[ChunkFormat.cipherChunkSize(plain.length)];
        for (int i = 0; i < segments; i++) {
            System.arraycopy(plain, i * ChunkFormat.SEGMENT_SIZE, out, plainOffset(i),
                    ChunkFormat.segmentPlainLength(plain.length, i));
        }
        sealInPlace(cipher, key, chunkIndex, out, plain.length);
        return out;
    }

    /**
     * Authenticates and decrypts a whole chunk whose plaintext length the caller knows from
     * metadata.
     *
     * @throws AuthenticationFailedException when any part of the chunk is not authentic, or its
     *                                       length does not match {@code plainLength}
     */
    public static byte[] decrypt(SegmentCipher cipher, ContentKey key, long chunkIndex, byte[] chunk, int plainLength)
            throws AuthenticationFailedException {
        int expected = ChunkFormat.cipherChunkSize(plainLength);
        if (chunk.length != expected) {
            throw new AuthenticationFailedException("chunk " + chunkIndex + " has " + chunk.length
                    + " bytes, its metadata says " + expected);
        }
        if (chunk[0] != ChunkFormat.VERSION) {
            throw new AuthenticationFailedException("chunk " + chunkIndex + " has unknown format version " + chunk[0]);
        }
        byte[] plain = new byte[plainLength];
        int segments = ChunkFormat.segmentCount(plainLength);
        for (int i = 0; i < segments; i++) {
            int length = ChunkFormat.segmentPlainLength(plainLength, i) + ChunkFormat.SEGMENT_OVERHEAD;
            cipher.open(key, chunkIndex, i, i == segments - 1, chunk, (int) ChunkFormat.segmentOffset(i), length,
                    plain, i * ChunkFormat.SEGMENT_SIZE);
        }
        return plain;
    }
}
