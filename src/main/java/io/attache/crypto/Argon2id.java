package io.attache.crypto;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id (RFC 9106) from Bouncy Castle, with its cost parameters and salt. Used for the master
 * key when it comes from a passphrase and for user password hashes. {@link #toString()} is the
 * PHC string format without the hash ({@code $argon2id$v=19$m=…,t=…,p=…$salt}).
 *
 * @param memoryKiB   memory cost in KiB
 * @param iterations  time cost
 * @param parallelism lanes
 * @param salt        at least 16 random bytes
 */
public record Argon2id(int memoryKiB, int iterations, int parallelism, byte[] salt) {

    /** RFC 9106's second recommended option: 64 MiB, 3 passes. For the master key, derived once at start. */
    public static final int KEY_MEMORY_KIB = 64 * 1024;
    public static final int KEY_ITERATIONS = 3;
    /** OWASP's minimum for passwords (19 MiB, 2 passes): verified on every uncached login. */
    public static final int PASSWORD_MEMORY_KIB = 19 * 1024;
    public static final int PASSWORD_ITERATIONS = 2;

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)(?:\\$([A-Za-z0-9+/]+))?");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    public Argon2id {
        if (memoryKiB < 8 * parallelism || iterations < 1 || parallelism < 1 || salt.length < 16) {
            throw new IllegalArgumentException("weak or invalid Argon2id parameters m=" + memoryKiB
                    + " t=" + iterations + " p=" + parallelism + " salt=" + salt.length + " bytes");
        }
        salt = salt.clone();
    }

    public static Argon2id forMasterKey(SecureRandom random) {
        return new Argon2id(KEY_MEMORY_KIB, KEY_ITERATIONS, 1, randomSalt(random));
    }

    public static Argon2id forPassword(SecureRandom random) {
        return new Argon2id(PASSWORD_MEMORY_KIB, PASSWORD_ITERATIONS, 1, randomSalt(random));
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    /** Derives {@code length} bytes from {@code secret}; the caller zeroes both arrays when done. */
    public byte[] derive(byte[] secret, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKiB)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(secret, out);
        return out;
    }

    public byte[] derive(char[] secret, int length) {
        byte[] bytes = new String(secret).getBytes(StandardCharsets.UTF_8);
        try {
            return derive(bytes, length);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Parses {@link #toString()}'s form; a trailing {@code $hash} part, if any, is ignored here. */
    public static Argon2id parse(String phc) {
        Matcher m = PHC.matcher(phc.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not an Argon2id parameter string: " + phc);
        }
        return new Argon2id(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), B64D.decode(m.group(4)));
    }

    /** The hash part of a full PHC string, or null when it has none. */
    static byte[] hashOf(String phc) {
        Matcher m = PHC.matcher(phc.trim());
        if (!m.matches() || m.group(5) == null) {
            return null;
        }
        return B64D.decode(m.group(5));
    }

    static String encode(byte[] bytes) {
        return B64.encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + "$" + B64.encodeToString(salt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Argon2id a && a.memoryKiB == memoryKiB && a.iterations == iterations
                && a.parallelism == parallelism && Arrays.equals(a.salt, salt);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(salt) * 31 + memoryKiB;
    }

    private static byte[] randomSalt(SecureRandom random) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return salt;
    }
}
