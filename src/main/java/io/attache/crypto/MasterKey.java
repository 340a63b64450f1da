package io.attache.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 256-bit root of all of a server's keys. It never encrypts data itself: HKDF-SHA256 derives
 * one subkey per purpose (wrapping content keys, encrypting metadata backups, and a public key id
 * that tells a database which master key it belongs to).
 */
public final class MasterKey {

    static final byte WRAP_VERSION = 1;
    /** version || nonce || wrapped 32-byte key || tag. */
    public static final int WRAPPED_KEY_SIZE = 1 + ChunkFormat.NONCE_SIZE + ChunkFormat.KEY_SIZE + ChunkFormat.TAG_SIZE;
    private static final String WRAP_AAD_LABEL = "attache/v1/content-key";

    private final SecretKeySpec wrapKey;
    private final SecretKeySpec backupKey;
    private final String keyId;
    private final SecureRandom random = new SecureRandom();
    /** Getting a Cipher looks the provider up each time; every read unwraps a key, so keep one per thread. */
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks AES-GCM", e);
        }
    });

    private MasterKey(byte[] raw) {
        if (raw.length != ChunkFormat.KEY_SIZE) {
            throw new IllegalArgumentException("a master key is 32 bytes, got " + raw.length);
        }
        byte[] wrap = derive(raw, "attache/v1/key-wrap");
        byte[] backup = derive(raw, "attache/v1/metadata-backup");
        byte[] id = derive(raw, "attache/v1/key-id");
        try {
            this.wrapKey = new SecretKeySpec(wrap, "AES");
            this.backupKey = new SecretKeySpec(backup, "AES");
            this.keyId = HexFormat.of().formatHex(id, 0, 16);
        } finally {
            Arrays.fill(wrap, (byte) 0);
            Arrays.fill(backup, (byte) 0);
        }
    }

    /** Wraps the given bytes; the caller zeroes its copy. */
    public static MasterKey of(byte[] raw) {
        return new MasterKey(raw);
    }

    public static byte[] generateRaw(SecureRandom random) {
        byte[] raw = new byte[ChunkFormat.KEY_SIZE];
        random.nextBytes(raw);
        return raw;
    }

    /**
     * A non-secret fingerprint of this key (32 hex digits). The database records it at creation so
     * that starting with the wrong key fails at once instead of at the first read.
     */
    public String keyId() {
        return keyId;
    }

    /** The key that encrypts metadata snapshots uploaded to the store. */
    public SecretKeySpec backupKey() {
        return backupKey;
    }

    /**
     * Encrypts a content key for storage in the database, bound to its content id: a wrapped key
     * copied onto another version's row does not unwrap.
     */
    public byte[] wrap(ContentKey key) {
        byte[] nonce = new byte[ChunkFormat.NONCE_SIZE];
        random.nextBytes(nonce);
        return wrap(key, nonce);
    }

    /** As above with a given nonce: for known-answer vectors only. */
    byte[] wrap(ContentKey key, byte[] nonce) {
        byte[] out = new byte[WRAPPED_KEY_SIZE];
        out[0] = WRAP_VERSION;
        System.arraycopy(nonce, 0, out, 1, nonce.length);
        byte[] plain = key.secretKey().getEncoded();
        try {
            Cipher cipher = GCM.get();
            cipher.init(Cipher.ENCRYPT_MODE, wrapKey, new GCMParameterSpec(ChunkFormat.TAG_SIZE * 8, nonce));
            cipher.updateAAD(wrapAad(key.contentIdUnsafe()));
            cipher.doFinal(plain, 0, plain.length, out, 1 + nonce.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM key wrapping failed", e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * Recovers the content key of {@code contentId} from {@link #wrap}'s output.
     *
     * @throws AuthenticationFailedException when the wrapped key is corrupt, belongs to another
     *                                       content id, or was wrapped by another master key
     */
    public ContentKey unwrap(byte[] contentId, byte[] wrapped) throws AuthenticationFailedException {
        if (wrapped.length != WRAPPED_KEY_SIZE || wrapped[0] != WRAP_VERSION) {
            throw new AuthenticationFailedException("not a version-1 wrapped key");
        }
        byte[] plain = null;
        try {
            Cipher cipher = GCM.get();
            cipher.init(Cipher.DECRYPT_MODE, wrapKey,
                    new GCMParameterSpec(ChunkFormat.TAG_SIZE * 8, wrapped, 1, ChunkFormat.NONCE_SIZE));
            cipher.updateAAD(wrapAad(contentId));
            plain = cipher.doFinal(wrapped, 1 + ChunkFormat.NONCE_SIZE, wrapped.length - 1 - ChunkFormat.NONCE_SIZE);
            return ContentKey.of(contentId, plain);
        } catch (AEADBadTagException e) {
            throw new AuthenticationFailedException("wrapped content key failed authentication", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM key unwrapping failed", e);
        } finally {
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    /** True when {@code other} is the fingerprint of this key, compared in constant time. */
    public boolean hasKeyId(String other) {
        return MessageDigest.isEqual(keyId.getBytes(StandardCharsets.US_ASCII), other.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] wrapAad(byte[] contentId) {
        byte[] label = WRAP_AAD_LABEL.getBytes(StandardCharsets.US_ASCII);
        byte[] aad = Arrays.copyOf(label, label.length + contentId.length);
        System.arraycopy(contentId, 0, aad, label.length, contentId.length);
        return aad;
    }

    static byte[] derive(byte[] ikm, String info) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, null, info.getBytes(StandardCharsets.US_ASCII)));
        byte[] out = new byte[ChunkFormat.KEY_SIZE];
        hkdf.generateBytes(out, 0, out.length);
        return out;
    }
}
