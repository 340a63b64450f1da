package io.attache.crypto;

import java.io.IOException;

/**
 * Ciphertext failed authentication: it was corrupted, truncated, moved, or encrypted under
 * another key. Never ignored; the bytes it guarded are never returned.
 */
public final class AuthenticationFailedException extends IOException {

    public AuthenticationFailedException(String message) {
        super(message);
    }

    public AuthenticationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
