package io.attache.store.discord.emulator;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * Signs CDN URLs the way Discord does in shape: {@code ?ex=<hex expiry s>&is=<hex issued s>&hm=<hex
 * HMAC>}. The HMAC covers the path and both times, so changing any of them is detected.
 */
final class UrlSigner {

    private final SecretKeySpec key;

    UrlSigner(long seed) {
        byte[] secret = new byte[32];
        new Random(seed ^ 0x5eed).nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** The query string for {@code path}, valid from {@code issuedSeconds} until {@code expirySeconds}. */
    String query(String path, long issuedSeconds, long expirySeconds) {
        String ex = Long.toHexString(expirySeconds);
        String is = Long.toHexString(issuedSeconds);
        return "ex=" + ex + "&is=" + is + "&hm=" + hmac(path, ex, is);
    }

    /** True when the signature matches and {@code nowSeconds} is before the expiry. */
    boolean valid(String path, String ex, String is, String hm, long nowSeconds) {
        if (ex == null || is == null || hm == null) {
            return false;
        }
        long expiry;
        try {
            expiry = Long.parseLong(ex, 16);
        } catch (NumberFormatException e) {
            return false;
        }
        byte[] expected = hmac(path, ex, is).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, hm.getBytes(StandardCharsets.US_ASCII)) && nowSeconds < expiry;
    }

    private String hmac(String path, String ex, String is) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] sum = mac.doFinal((path + "|" + ex + "|" + is).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sum);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
