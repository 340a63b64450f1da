package io.attache.store;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;

/**
 * Signs and checks the requests the nodes of a cluster send one another, with the secret they
 * share: HMAC-SHA256 over the method, the path, the range, the sending node and the time. A
 * request is accepted within {@value #WINDOW_MILLIS} ms of the time it names, so a recorded one
 * can be replayed only briefly, and only to read again the same ciphertext it read before.
 */
public final class PeerSignature {

    public static final String NODE = "X-Attache-Node";
    public static final String DATE = "X-Attache-Date";
    public static final String SIGNATURE = "X-Attache-Signature";
    static final long WINDOW_MILLIS = 300_000;

    private final SecretKeySpec key;
    private final Clock clock;

    public PeerSignature(String secret, Clock clock) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.clock = clock;
    }

    public long now() {
        return clock.millis();
    }

    /** The signature of a request; {@code range} is the Range header as sent, or "". */
    public String sign(String method, String path, String range, String node, long date) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            String text = "attache-peer-1\n" + method + "\n" + path + "\n" + range + "\n" + node + "\n" + date;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing", e);
        }
    }

    /** True when {@code signature} signs this request and {@code date} is recent. */
    public boolean verify(String method, String path, String range, String node, String date, String signature) {
        if (node == null || date == null || signature == null) {
            return false;
        }
        long at;
        try {
            at = Long.parseLong(date);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(clock.millis() - at) > WINDOW_MILLIS) {
            return false;
        }
        byte[] expected = sign(method, path, range == null ? "" : range, node, at).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    }
}
