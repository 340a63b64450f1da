package io.attache.store;

import java.util.Objects;

/**
 * Where a store keeps one chunk. Opaque to everyone but the store that issued it: the rest of
 * Attaché only saves it in the database and hands it back. The value starts with the issuing
 * store's scheme ({@code local:}, {@code discord:}) so a locator given to the wrong store fails
 * loudly instead of reading the wrong object. A locator never holds a URL or a secret.
 */
public record Locator(String value) {

    public Locator {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() || value.indexOf(':') <= 0) {
            throw new IllegalArgumentException("a locator is scheme:rest, got '" + value + "'");
        }
    }

    public static Locator of(String scheme, String rest) {
        return new Locator(scheme + ":" + rest);
    }

    public String scheme() {
        return value.substring(0, value.indexOf(':'));
    }

    /** The part after the scheme, for the issuing store to parse. */
    public String rest() {
        return value.substring(value.indexOf(':') + 1);
    }

    @Override
    public String toString() {
        return value;
    }
}
