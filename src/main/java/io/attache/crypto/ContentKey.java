package io.attache.crypto;

import javax.crypto.spec.SecretKeySpec;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The data key of one piece of content (one written file version) and the random id that every
 * segment's associated data binds to. Created fresh for every write; stored only wrapped by the
 * master key (see {@link MasterKey#wrap}).
 *
 * <p>The JDK keeps its own copy of key material inside {@link SecretKeySpec} and its ciphers, which
 * cannot be zeroed reliably; this class zeroes the temporary arrays it handles and keeps no other.
 */
public final class ContentKey {

    private final byte[] contentId;
    private final SecretKeySpec key;

    private ContentKey(byte[] contentId, byte[] keyBytes) {
        if (contentId.length != ChunkFormat.CONTENT_ID_SIZE || keyBytes.length != ChunkFormat.KEY_SIZE) {
            throw new IllegalArgumentException("a content id is 16 bytes and a key 32 bytes");
        }
        this.contentId = contentId.clone();
        this.key = new SecretKeySpec(keyBytes, "AES");
    }

    public static ContentKey generate(SecureRandom random) {
        byte[] id = new byte[ChunkFormat.CONTENT_ID_SIZE];
        byte[] k = new byte[ChunkFormat.KEY_SIZE];
        random.nextBytes(id);
        random.nextBytes(k);
        try {
            return new ContentKey(id, k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** A key from known bytes: unwrapping, and known-answer tests. */
    public static ContentKey of(byte[] contentId, byte[] keyBytes) {
        return new ContentKey(contentId, keyBytes);
    }

    public byte[] contentId() {
        return contentId.clone();
    }

    byte[] contentIdUnsafe() {
        return contentId;
    }

    SecretKeySpec secretKey() {
        return key;
    }
}
