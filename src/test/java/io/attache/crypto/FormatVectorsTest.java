package io.attache.crypto;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The known-answer vectors of docs/FORMAT.md, plus the published vectors of the primitives. */
class FormatVectorsTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MASTER = range(0x00, 32);
    private static final byte[] CONTENT_ID = range(0xa0, 16);
    private static final byte[] CONTENT_KEY = range(0x40, 32);

    static byte[] range(int first, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (first + i);
        }
        return out;
    }

    @Test
    @DisplayName("AES-256-GCM: the GCM specification's test case 14")
    void gcmPublishedVector() throws Exception {
        // Test case 14 has no associated data, so the primitive is checked without the format around it.
        ContentKey key = ContentKey.of(new byte[16], new byte[32]);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(128, new byte[12]));
        assertEquals("cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919",
                HEX.formatHex(gcm.doFinal(new byte[16])));
    }

    @Test
    @DisplayName("HKDF-SHA256: RFC 5869 test case 3 (no salt, no info)")
    void hkdfPublishedVector() {
        byte[] ikm = new byte[22];
        Arrays.fill(ikm, (byte) 0x0b);
        assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d",
                HEX.formatHex(MasterKey.derive(ikm, "")));
    }

    @Test
    void keyIdAndBackupKey() {
        MasterKey master = MasterKey.of(MASTER);
        assertEquals("30637440dadb457f3dfb6a228ecd7c5a", master.keyId());
        assertEquals("1fadc9b299fa882ab911f6683bffbdc1ac4163be33e7eb68ee4526a4b7086fcd",
                HEX.formatHex(master.backupKey().getEncoded()));
    }

    @Test
    void shortLastSegment() throws Exception {
        byte[] plain = "Attaché segment vector".getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[plain.length + ChunkFormat.SEGMENT_OVERHEAD];
        System.arraycopy(plain, 0, buf, ChunkFormat.NONCE_SIZE, plain.length);
        ContentKey key = ContentKey.of(CONTENT_ID, CONTENT_KEY);
        new SegmentCipher().sealInPlace(key, 0, 0, true, buf, ChunkFormat.NONCE_SIZE, plain.length, range(0, 12));
        assertEquals("000102030405060708090a0b7b71181914e48709e261e5a5d588a2cfa3b2486a1823dfe00420fc9135869afb94e93e6b067f09",
                HEX.formatHex(buf));
        byte[] back = new byte[plain.length];
        new SegmentCipher().open(key, 0, 0, true, buf, 0, buf.length, back, 0);
        assertArrayEquals(plain, back);
    }

    @Test
    void fullInnerSegment() throws Exception {
        byte[] buf = new byte[ChunkFormat.CIPHER_SEGMENT_SIZE];
        for (int i = 0; i < ChunkFormat.SEGMENT_SIZE; i++) {
            buf[ChunkFormat.NONCE_SIZE + i] = (byte) (i * 31 + 7);
        }
        ContentKey key = ContentKey.of(CONTENT_ID, CONTENT_KEY);
        new SegmentCipher().sealInPlace(key, 7, 3, false, buf, ChunkFormat.NONCE_SIZE, ChunkFormat.SEGMENT_SIZE, range(0x10, 12));
        assertEquals(65_564, buf.length);
        assertEquals("7483fb39fe8133d78e62e118956aecdc2f3bea254c547f92b9b8df72ad38aba4",
                HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(buf)));
    }

    /** Two blobs of two versions back to back; each opens only at its own place with its own key. */
    @Test
    void aPackOfTwoBlobs() throws Exception {
        ContentKey a = ContentKey.of(CONTENT_ID, CONTENT_KEY);
        ContentKey b = ContentKey.of(range(0xb0, 16), range(0x60, 32));
        byte[] blobA = blob(a, 0, "Attaché segment vector", range(0, 12));
        byte[] blobB = blob(b, 2, "the tail of another file", range(0x30, 12));
        byte[] pack = new byte[blobA.length + blobB.length];
        System.arraycopy(blobA, 0, pack, 0, blobA.length);
        System.arraycopy(blobB, 0, pack, blobA.length, blobB.length);
        assertEquals("01000102030405060708090a0b7b71181914e48709e261e5a5d588a2cfa3b2486a1823dfe00420fc9135869afb94e93e6b067f09"
                + "01303132333435363738393a3bca98592e57c7efce36d95f8affc0d59f9fd319333e8acedba0507e1b9a40ff4b878fd9bf7e4d6bbe",
                HEX.formatHex(pack));
        assertEquals(52, blobA.length);
        assertEquals("the tail of another file", new String(open(b, 2, pack, 52, 24), StandardCharsets.UTF_8));
        assertThrows(AuthenticationFailedException.class, () -> open(a, 0, pack, 52, 24), "A's place holds B's blob");
        assertThrows(AuthenticationFailedException.class, () -> open(b, 0, pack, 52, 24), "B's blob is chunk 2, not 0");
        byte[] swapped = new byte[pack.length];
        System.arraycopy(blobB, 0, swapped, 0, blobB.length);
        System.arraycopy(blobA, 0, swapped, blobB.length, blobA.length);
        assertThrows(AuthenticationFailedException.class, () -> open(a, 0, swapped, 0, 23), "neighbours swapped");
    }

    private static byte[] blob(ContentKey key, long chunk, String text, byte[] nonce) {
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        byte[] blob = new byte[ChunkFormat.cipherChunkSize(plain.length)];
        blob[0] = ChunkFormat.VERSION;
        System.arraycopy(plain, 0, blob, 1 + ChunkFormat.NONCE_SIZE, plain.length);
        new SegmentCipher().sealInPlace(key, chunk, 0, true, blob, 1 + ChunkFormat.NONCE_SIZE, plain.length, nonce);
        return blob;
    }

    /** Opens the one-segment blob of {@code plainLength} bytes that the metadata places at {@code offset}. */
    private static byte[] open(ContentKey key, long chunk, byte[] pack, int offset, int plainLength) throws Exception {
        byte[] plain = new byte[plainLength];
        new SegmentCipher().open(key, chunk, 0, true, pack, offset + 1, plainLength + ChunkFormat.SEGMENT_OVERHEAD, plain, 0);
        return plain;
    }

    @Test
    void wrappedContentKey() throws Exception {
        MasterKey master = MasterKey.of(MASTER);
        byte[] wrapped = master.wrap(ContentKey.of(CONTENT_ID, CONTENT_KEY), range(0x20, 12));
        assertEquals("01202122232425262728292a2b331b66c68a0f981699b235d981b2d121d88fc1d0d1efc7fc3eaae6565b70b591a216056a29f00dddfe42164efb020338",
                HEX.formatHex(wrapped));
        assertArrayEquals(CONTENT_KEY, master.unwrap(CONTENT_ID, wrapped).secretKey().getEncoded());
    }

    @Test
    void argon2idPassphrase() {
        byte[] salt = new byte[16];
        Arrays.fill(salt, (byte) 1);
        Argon2id params = new Argon2id(65_536, 3, 1, salt);
        assertEquals("2059d35e11f775944efac46541cfcd82013946a4ce55030871f5891aacf73b07",
                HEX.formatHex(params.derive("correct horse battery staple".toCharArray(), 32)));
        assertEquals(params, Argon2id.parse(params.toString()));
    }
}
