package io.attache.config;

/** A configuration value is missing, malformed or out of range; the message names the setting. */
public final class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }
}
