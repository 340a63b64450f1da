package io.attache.fs;

import java.io.IOException;

/**
 * The content of a file cannot be read now, though it exists: the store failed past its retries,
 * or the content is still staged on a node of the cluster that does not answer. Before a
 * response has started this is a 503 with Retry-After, not an internal error.
 */
public final class ContentUnavailableException extends IOException {

    ContentUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
