package io.attache.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The data directory: created on first use, readable by its owner only. */
final class DataDirectory {

    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);

    private DataDirectory() {
    }

    /**
     * This data directory's node id, made on first use: random, so that the nodes of a cluster,
     * each with a data directory of its own, never share one. It names the node's staged blobs,
     * so it must stay the same for the life of the directory.
     */
    static String nodeId(Path dir) throws IOException {
        Path file = dir.resolve("node-id");
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!io.attache.store.StagingStore.NODE.matcher(id).matches()) {
                throw new IOException(file + " does not hold a node id (16 hex digits): '" + id + "'");
            }
            return id;
        }
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        String id = HexFormat.of().formatHex(random);
        Path temp = dir.resolve("node-id.new");
        Files.writeString(temp, id + "\n", StandardCharsets.US_ASCII);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        return id;
    }

    static void create(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.getParent() != null) {
            Files.createDirectories(dir.getParent());
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectory(dir);
        }
        log.info("Created data directory {}", dir);
    }
}
