package io.attache.fs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The bearer tokens of share links and web sessions: 256 random bits as 43 characters of
 * base64url, handed out once; the database keeps only their SHA-256.
 */
final class SecretTokens {

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

    private SecretTokens() {
    }

    static String next(SecureRandom random) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** Whether {@code token} has the shape of one (null has not): anything else is refused unhashed. */
    static boolean wellFormed(String token) {
        return token != null && TOKEN.matcher(token).matches();
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
