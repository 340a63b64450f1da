package io.attache.fs;

import io.attache.crypto.AuthenticationFailedException;
import io.attache.pipeline.Content;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The disaster-recovery pointer kept in the store under the name {@value #NAME}: which metadata
 * snapshots exist and how to read them. A plain header says which master key it needs and, when
 * the key comes from a passphrase, the Argon2id parameters to derive it; the snapshot list itself
 * is encrypted with the master key's backup subkey, its header bound in as associated data.
 *
 * <pre>
 * attache-pointer 1
 * key-id HEX
 * kdf $argon2id$v=19$m=…,t=…,p=…$SALT | none
 * body BASE64(nonce || AES-256-GCM(snapshot lines) || tag)
 * </pre>
 * Snapshot lines, newest first: {@code snapshot CREATED-MS CONTENT-ID WRAPPED-KEY SIZE CHUNK-SIZE COUNT}
 * followed by COUNT lines {@code chunk PLAIN-SIZE LOCATOR}.
 */
public record BackupPointer(String keyId, String kdf, List<Snapshot> snapshots) {

    public static final String NAME = "metadata";
    private static final String MAGIC = "attache-pointer 1";

    /** One snapshot of the database: when it was taken and its encrypted content. */
    public record Snapshot(long createdAt, Content content) {
    }

    public BackupPointer {
        snapshots = List.copyOf(snapshots);
    }

    public byte[] encode(SecretKeySpec backupKey) {
        StringBuilder body = new StringBuilder();
        HexFormat hex = HexFormat.of();
        for (Snapshot s : snapshots) {
            Content c = s.content();
            body.append("snapshot ").append(s.createdAt()).append(' ').append(hex.formatHex(c.contentId())).append(' ')
                    .append(hex.formatHex(c.wrappedKey())).append(' ').append(c.size()).append(' ').append(c.chunkSize())
                    .append(' ').append(c.chunks().size()).append('\n');
            for (Content.StoredChunk chunk : c.chunks()) {
                if (chunk.locator().chars().anyMatch(Character::isWhitespace)) {
                    throw new IllegalArgumentException("a locator with white space cannot be recorded: " + chunk.locator());
                }
                body.append("chunk ").append(chunk.plainSize()).append(' ').append(chunk.locator()).append('\n');
            }
        }
        String header = header(keyId, kdf);
        byte[] sealed = seal(backupKey, header, body.toString().getBytes(StandardCharsets.UTF_8));
        return (header + "body " + Base64.getEncoder().encodeToString(sealed) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The plain header fields, readable without the key: [key id, kdf or null]. */
    public static String[] peek(byte[] record) throws AuthenticationFailedException {
        String[] lines = new String(record, StandardCharsets.UTF_8).split("\n");
        if (lines.length < 4 || !lines[0].equals(MAGIC) || !lines[1].startsWith("key-id ") || !lines[2].startsWith("kdf ")
                || !lines[3].startsWith("body ")) {
            throw new AuthenticationFailedException("not an Attaché backup pointer");
        }
        String kdf = lines[2].substring(4);
        return new String[]{lines[1].substring(7), kdf.equals("none") ? null : kdf};
    }

    public static BackupPointer decode(byte[] record, SecretKeySpec backupKey) throws AuthenticationFailedException {
        String[] fields = peek(record);
        String[] lines = new String(record, StandardCharsets.UTF_8).split("\n");
        byte[] sealed;
        try {
            sealed = Base64.getDecoder().decode(lines[3].substring(5));
        } catch (IllegalArgumentException e) {
            throw new AuthenticationFailedException("the backup pointer's body is not base64");
        }
        String body = new String(open(backupKey, header(fields[0], fields[1]), sealed), StandardCharsets.UTF_8);
        return new BackupPointer(fields[0], fields[1], parseSnapshots(body));
    }

    private static List<Snapshot> parseSnapshots(String body) throws AuthenticationFailedException {
        List<Snapshot> out = new ArrayList<>();
        String[] lines = body.isEmpty() ? new String[0] : body.split("\n");
        HexFormat hex = HexFormat.of();
        try {
            for (int i = 0; i < lines.length; ) {
                String[] s = lines[i++].split(" ");
                if (!s[0].equals("snapshot") || s.length != 7) {
                    throw new AuthenticationFailedException("malformed snapshot line in the backup pointer");
                }
                int count = Integer.parseInt(s[6]);
                List<Content.StoredChunk> chunks = new ArrayList<>();
                for (int k = 0; k < count; k++) {
                    String[] c = lines[i++].split(" ", 3);
                    chunks.add(new Content.StoredChunk(c[2], Integer.parseInt(c[1])));
                }
                out.add(new Snapshot(Long.parseLong(s[1]), new Content(hex.parseHex(s[2]), hex.parseHex(s[3]),
                        Long.parseLong(s[4]), Integer.parseInt(s[5]), chunks)));
            }
        } catch (RuntimeException e) {
            throw new AuthenticationFailedException("malformed backup pointer: " + e.getMessage());
        }
        return out;
    }

    private static String header(String keyId, String kdf) {
        return MAGIC + "\nkey-id " + keyId + "\nkdf " + (kdf == null ? "none" : kdf) + "\n";
    }

    private static byte[] seal(SecretKeySpec key, String header, byte[] plain) {
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            gcm.updateAAD(header.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = gcm.doFinal(plain);
            byte[] out = new byte[nonce.length + sealed.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    private static byte[] open(SecretKeySpec key, String header, byte[] sealed) throws AuthenticationFailedException {
        if (sealed.length < 28) {
            throw new AuthenticationFailedException("the backup pointer's body is too short");
        }
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, 12));
            gcm.updateAAD(header.getBytes(StandardCharsets.UTF_8));
            return gcm.doFinal(sealed, 12, sealed.length - 12);
        } catch (AEADBadTagException e) {
            throw new AuthenticationFailedException("the backup pointer does not open with this master key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }
}
