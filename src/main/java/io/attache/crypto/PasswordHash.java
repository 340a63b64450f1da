package io.attache.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/** User password hashes: Argon2id in the PHC string format, verified in constant time. */
public final class PasswordHash {

    private static final int HASH_SIZE = 32;

    private PasswordHash() {
    }

    public static String hash(char[] password, SecureRandom random) {
        Argon2id params = Argon2id.forPassword(random);
        byte[] hash = params.derive(password, HASH_SIZE);
        try {
            return params + "$" + Argon2id.encode(hash);
        } finally {
            Arrays.fill(hash, (byte) 0);
        }
    }

    /** True when {@code password} matches {@code phc}; false for a wrong password or a malformed hash. */
    public static boolean verify(char[] password, String phc) {
        Argon2id params;
        byte[] expected;
        try {
            params = Argon2id.parse(phc);
            expected = Argon2id.hashOf(phc);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (expected == null) {
            return false;
        }
        byte[] actual = params.derive(password, expected.length);
        try {
            return MessageDigest.isEqual(expected, actual);
        } finally {
            Arrays.fill(actual, (byte) 0);
        }
    }
}
