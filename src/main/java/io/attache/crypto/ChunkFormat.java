package io.attache.crypto;

/**
 * The byte layout of an encrypted chunk, format version 1, and the size math that goes with it.
 * docs/FORMAT.md is the prose version of this class; the two must agree.
 *
 * <pre>
 * chunk   = version (1 byte, 0x01) || segment_0 || … || segment_n-1
 * segment = nonce (12) || AES-256-GCM ciphertext (same length as the plaintext) || tag (16)
 * </pre>
 *
 * Every segment but the last of a chunk carries {@link #SEGMENT_SIZE} plaintext bytes; the last
 * carries 1 to {@link #SEGMENT_SIZE}. A chunk is never empty. The associated data of each segment
 * is {@link #aad}: format version, content id, chunk index, segment index and a last-segment flag.
 */
public final class ChunkFormat {

    public static final byte VERSION = 1;
    public static final int HEADER_SIZE = 1;
    public static final int SEGMENT_SIZE = 64 * 1024;
    public static final int NONCE_SIZE = 12;
    public static final int TAG_SIZE = 16;
    public static final int SEGMENT_OVERHEAD = NONCE_SIZE + TAG_SIZE;
    public static final int CIPHER_SEGMENT_SIZE = SEGMENT_SIZE + SEGMENT_OVERHEAD;
    public static final int CONTENT_ID_SIZE = 16;
    public static final int KEY_SIZE = 32;
    public static final int AAD_SIZE = 1 + CONTENT_ID_SIZE + 8 + 4 + 1;
    static final byte LAST_SEGMENT = 1;

    private ChunkFormat() {
    }

    /** How many segments hold {@code plainLength} bytes (at least one). */
    public static int segmentCount(int plainLength) {
        checkChunkLength(plainLength);
        return (plainLength + SEGMENT_SIZE - 1) / SEGMENT_SIZE;
    }

    /** The encrypted size of a chunk holding {@code plainLength} bytes. */
    public static int cipherChunkSize(int plainLength) {
        return HEADER_SIZE + plainLength + segmentCount(plainLength) * SEGMENT_OVERHEAD;
    }

    /** The largest chunk plaintext, a whole number of segments, whose ciphertext fits {@code maxCipherSize}. */
    public static int largestChunkFitting(long maxCipherSize) {
        long segments = (maxCipherSize - HEADER_SIZE) / CIPHER_SEGMENT_SIZE;
        if (segments < 1) {
            throw new IllegalArgumentException("no chunk fits in " + maxCipherSize + " bytes");
        }
        return (int) Math.min(segments, (Integer.MAX_VALUE - HEADER_SIZE) / CIPHER_SEGMENT_SIZE) * SEGMENT_SIZE;
    }

    /** Where segment {@code index} starts inside the encrypted chunk (at its nonce). */
    public static long segmentOffset(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("negative segment index " + index);
        }
        return HEADER_SIZE + (long) index * CIPHER_SEGMENT_SIZE;
    }

    /** The plaintext length of segment {@code index} in a chunk of {@code chunkPlainLength} bytes. */
    public static int segmentPlainLength(int chunkPlainLength, int index) {
        int count = segmentCount(chunkPlainLength);
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("segment " + index + " of a chunk with " + count + " segments");
        }
        return index < count - 1 ? SEGMENT_SIZE : chunkPlainLength - (count - 1) * SEGMENT_SIZE;
    }

    /**
     * The associated data that binds a segment to its place: a segment moved to another file,
     * chunk or position, or presented as the last when it is not, fails authentication.
     */
    public static byte[] aad(byte[] contentId, long chunkIndex, int segmentIndex, boolean last) {
        if (contentId.length != CONTENT_ID_SIZE) {
            throw new IllegalArgumentException("content id must be " + CONTENT_ID_SIZE + " bytes");
        }
        byte[] aad = new byte[AAD_SIZE];
        aad[0] = VERSION;
        System.arraycopy(contentId, 0, aad, 1, CONTENT_ID_SIZE);
        putLong(aad, 1 + CONTENT_ID_SIZE, chunkIndex);
        putInt(aad, 1 + CONTENT_ID_SIZE + 8, segmentIndex);
        aad[AAD_SIZE - 1] = last ? LAST_SEGMENT : 0;
        return aad;
    }

    private static void checkChunkLength(int plainLength) {
        if (plainLength <= 0) {
            throw new IllegalArgumentException("a chunk holds at least one byte, got " + plainLength);
        }
    }

    static void putLong(byte[] out, int at, long value) {
        for (int i = 7; i >= 0; i--) {
            out[at + i] = (byte) value;
            value >>>= 8;
        }
    }

    static void putInt(byte[] out, int at, int value) {
        for (int i = 3; i >= 0; i--) {
            out[at + i] = (byte) value;
            value >>>= 8;
        }
    }
}
