package io.attache.fs;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Checksums of a file's content in ownCloud's notation, {@code SHA1:<hex> MD5:<hex>}: what a
 * client announces in {@code OC-Checksum}, and what the server keeps with the version and returns
 * as {@code oc:checksums}. Algorithm names are case-insensitive and written in upper case; values
 * in lower-case hex.
 */
public final class Checksums {

    /** The algorithms understood, by ownCloud name, with their JDK name. */
    private static final Map<String, String> ALGORITHMS = Map.of("SHA1", "SHA-1", "MD5", "MD5", "SHA256", "SHA-256");
    /**
     * What the server computes besides the one a client names: ownCloud keeps both for every
     * upload with a checksum, and rclone's owncloud mode compares by MD5 what it uploaded with a
     * SHA1 header.
     */
    private static final String[] ALWAYS = {"SHA1", "MD5"};

    private final Map<String, String> values;

    private Checksums(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses {@code OC-Checksum}: one or more {@code ALGORITHM:hex}, separated by spaces.
     *
     * @throws FsException.BadRequest for an unknown algorithm or a value that is not hex of its length
     */
    public static Checksums parse(String header) throws FsException.BadRequest {
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : header.trim().split("\\s+")) {
            int colon = part.indexOf(':');
            String algorithm = colon < 0 ? part : part.substring(0, colon).toUpperCase(Locale.ROOT);
            if (colon < 0 || !ALGORITHMS.containsKey(algorithm)) {
                throw new FsException.BadRequest("OC-Checksum: '" + part + "' is not SHA1:, MD5: or SHA256: with a hex value");
            }
            String hex = part.substring(colon + 1).toLowerCase(Locale.ROOT);
            if (hex.length() != 2 * digest(algorithm).getDigestLength() || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new FsException.BadRequest("OC-Checksum: " + algorithm + " needs " + 2 * digest(algorithm).getDigestLength()
                        + " hex digits, got '" + part.substring(colon + 1) + "'");
            }
            values.put(algorithm, hex);
        }
        // In the order announced: Map.copyOf would shuffle it anew in every JVM.
        return new Checksums(Collections.unmodifiableMap(values));
    }

    /** Reads what {@link #toString()} wrote; null stays null. */
    public static Checksums ofStored(String stored) {
        if (stored == null || stored.isBlank()) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : stored.trim().split(" ")) {
            int colon = part.indexOf(':');
            values.put(part.substring(0, colon), part.substring(colon + 1));
        }
        return new Checksums(values);
    }

    /** Digests for the algorithms this announcement names and for SHA1 and MD5, in a fixed order. */
    Map<String, MessageDigest> newDigests() {
        Map<String, MessageDigest> digests = new LinkedHashMap<>();
        for (String algorithm : ALWAYS) {
            digests.put(algorithm, digest(algorithm));
        }
        for (String algorithm : values.keySet()) {
            digests.computeIfAbsent(algorithm, Checksums::digest);
        }
        return digests;
    }

    /** The checksums {@code digests} computed. */
    static Checksums of(Map<String, MessageDigest> digests) {
        Map<String, String> values = new LinkedHashMap<>();
        digests.forEach((algorithm, digest) -> values.put(algorithm, HexFormat.of().formatHex(digest.digest())));
        return new Checksums(values);
    }

    /** The algorithms of {@code announced} whose value differs from this one's, as "SHA1" ...; empty when all match. */
    String mismatches(Checksums announced) {
        StringBuilder out = new StringBuilder();
        announced.values.forEach((algorithm, value) -> {
            if (!value.equals(values.get(algorithm))) {
                out.append(out.isEmpty() ? "" : ", ").append(algorithm);
            }
        });
        return out.toString();
    }

    public String value(String algorithm) {
        return values.get(algorithm);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(ALGORITHMS.get(algorithm));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }

    /** ownCloud's notation: {@code SHA1:<hex> MD5:<hex> ...}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        values.forEach((algorithm, value) -> out.append(out.isEmpty() ? "" : " ").append(algorithm).append(':').append(value));
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checksums other && other.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }
}
