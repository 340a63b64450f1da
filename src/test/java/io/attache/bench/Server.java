package io.attache.bench;

import java.net.URI;
import java.nio.file.Path;

/**
 * A WebDAV server under test on 127.0.0.1.
 *
 * @param authorization the Basic credentials it needs (Attaché), or null (the peers run without)
 * @param dir           its private directory: data, configuration, logs
 */
record Server(String id, String label, URI url, Proc proc, String authorization, Path dir) {

    URI resolve(String path) {
        return url.resolve(path);
    }
}
