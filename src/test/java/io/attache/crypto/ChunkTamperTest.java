package io.attache.crypto;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every way of altering, moving or cutting ciphertext is rejected; untouched ciphertext round-trips. */
class ChunkTamperTest {

    private static final int PLAIN = 3 * ChunkFormat.SEGMENT_SIZE + 1_000;
    private final SecureRandom random = new SecureRandom();
    private final SegmentCipher cipher = new SegmentCipher();
    private ContentKey key;
    private byte[] plain;
    private byte[] chunk;

    @BeforeEach
    void encrypt() {
        key = ContentKey.generate(random);
        plain = new byte[PLAIN];
        new Random(1).nextBytes(plain);
        chunk = ChunkCodec.encrypt(cipher, key, 5, plain);
    }

    private void rejected(byte[] altered) {
        assertThrows(AuthenticationFailedException.class, () -> ChunkCodec.decrypt(cipher, key, 5, altered, PLAIN));
    }

    private static byte[] flipped(byte[] bytes, long at) {
        byte[] copy = bytes.clone();
        copy[(int) at] ^= 0x01;
        return copy;
    }

    @Test
    void untouchedChunkRoundTrips() throws Exception {
        assertEquals(ChunkFormat.cipherChunkSize(PLAIN), chunk.length);
        assertArrayEquals(plain, ChunkCodec.decrypt(cipher, key, 5, chunk, PLAIN));
    }

    @Test
    void warmingUpLeavesTheCipherWorking() throws Exception {
        SegmentCipher.warmUp(500);
        assertArrayEquals(plain, ChunkCodec.decrypt(cipher, key, 5, ChunkCodec.encrypt(SegmentCipher.forThread(), key, 5, plain), PLAIN));
    }

    @Test
    void twoEncryptionsOfTheSameChunkDiffer() {
        assertNotEquals(Arrays.toString(chunk), Arrays.toString(ChunkCodec.encrypt(cipher, key, 5, plain)));
    }

    @Nested
    @DisplayName("a flipped bit is rejected")
    class FlippedBits {
        @Test
        void inTheNonce() {
            rejected(flipped(chunk, ChunkFormat.segmentOffset(1) + 3));
        }

        @Test
        void inTheCiphertext() {
            rejected(flipped(chunk, ChunkFormat.segmentOffset(2) + ChunkFormat.NONCE_SIZE + 500));
        }

        @Test
        void inTheTag() {
            rejected(flipped(chunk, ChunkFormat.segmentOffset(1) - 1));
        }

        @Test
        void inTheLastSegmentsTag() {
            rejected(flipped(chunk, chunk.length - 1));
        }

        @Test
        void inTheVersionByte() {
            rejected(flipped(chunk, 0));
        }
    }

    @Nested
    @DisplayName("moved ciphertext is rejected")
    class Moved {
        @Test
        void aSegmentFromAnotherFile() {
            ContentKey otherKey = ContentKey.generate(random);
            byte[] other = ChunkCodec.encrypt(cipher, otherKey, 5, plain);
            byte[] mixed = chunk.clone();
            int at = (int) ChunkFormat.segmentOffset(1);
            System.arraycopy(other, at, mixed, at, ChunkFormat.CIPHER_SEGMENT_SIZE);
            rejected(mixed);
        }

        @Test
        void aSegmentFromAnotherFileThatSharesTheKey() {
            // Only the content id differs: the associated data alone must catch it.
            ContentKey sibling = ContentKey.of(new byte[16], key.secretKey().getEncoded());
            byte[] other = ChunkCodec.encrypt(cipher, sibling, 5, plain);
            byte[] mixed = chunk.clone();
            int at = (int) ChunkFormat.segmentOffset(2);
            System.arraycopy(other, at, mixed, at, ChunkFormat.CIPHER_SEGMENT_SIZE);
            rejected(mixed);
        }

        @Test
        void aWholeChunkFromAnotherFile() {
            rejected(ChunkCodec.encrypt(cipher, ContentKey.generate(random), 5, plain));
        }

        @Test
        void aChunkOfTheSameFileAtAnotherIndex() {
            rejected(ChunkCodec.encrypt(cipher, key, 4, plain));
        }

        @Test
        void reorderedSegments() {
            byte[] swapped = chunk.clone();
            int a = (int) ChunkFormat.segmentOffset(0);
            int b = (int) ChunkFormat.segmentOffset(1);
            System.arraycopy(chunk, b, swapped, a, ChunkFormat.CIPHER_SEGMENT_SIZE);
            System.arraycopy(chunk, a, swapped, b, ChunkFormat.CIPHER_SEGMENT_SIZE);
            rejected(swapped);
        }
    }

    @Nested
    @DisplayName("cut ciphertext is rejected")
    class Truncated {
        @Test
        void aTruncatedLastSegment() {
            rejected(Arrays.copyOf(chunk, chunk.length - 10));
        }

        @Test
        void aTruncatedLastSegmentPresentedWithItsShorterLength() throws Exception {
            // The metadata cannot always catch a cut: decrypt the cut bytes as if they were whole.
            int cut = chunk.length - 10;
            byte[] shorter = Arrays.copyOf(chunk, cut);
            int shorterPlain = PLAIN - 10;
            assertThrows(AuthenticationFailedException.class,
                    () -> ChunkCodec.decrypt(cipher, key, 5, shorter, shorterPlain));
        }

        @Test
        void aChunkCutAtASegmentBoundary() {
            // Dropping the last segment leaves a whole chunk whose new last segment is not flagged last.
            byte[] cut = Arrays.copyOf(chunk, (int) ChunkFormat.segmentOffset(3));
            assertThrows(AuthenticationFailedException.class,
                    () -> ChunkCodec.decrypt(cipher, key, 5, cut, 3 * ChunkFormat.SEGMENT_SIZE));
        }
    }

    @Nested
    @DisplayName("wrapped keys")
    class WrappedKeys {
        private final MasterKey master = MasterKey.of(MasterKey.generateRaw(new SecureRandom()));

        @Test
        void roundTrip() throws Exception {
            ContentKey unwrapped = master.unwrap(key.contentId(), master.wrap(key));
            assertArrayEquals(key.secretKey().getEncoded(), unwrapped.secretKey().getEncoded());
        }

        @Test
        void boundToTheirContentId() {
            byte[] wrapped = master.wrap(key);
            assertThrows(AuthenticationFailedException.class, () -> master.unwrap(new byte[16], wrapped));
        }

        @Test
        void refusedUnderAnotherMasterKey() {
            byte[] wrapped = master.wrap(key);
            MasterKey other = MasterKey.of(MasterKey.generateRaw(new SecureRandom()));
            assertThrows(AuthenticationFailedException.class, () -> other.unwrap(key.contentId(), wrapped));
            assertNotEquals(master.keyId(), other.keyId());
        }

        @Test
        void refusedWhenAltered() {
            byte[] wrapped = master.wrap(key);
            wrapped[20] ^= 1;
            assertThrows(AuthenticationFailedException.class, () -> master.unwrap(key.contentId(), wrapped));
        }
    }
}
