package io.attache.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Applies the configured log level to Attaché's own loggers; libraries keep logback.xml's levels. */
final class Logging {

    private Logging() {
    }

    static void setLevel(String level) {
        if (LoggerFactory.getLogger("io.attache") instanceof Logger logger) {
            logger.setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
