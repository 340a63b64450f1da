package io.attache.app;

import java.security.SecureRandom;

/** Generated passwords: 20 characters from an alphabet without look-alikes (about 115 bits). */
final class RandomPassword {

    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private RandomPassword() {
    }

    static char[] generate(SecureRandom random) {
        char[] out = new char[20];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return out;
    }
}
