package io.attache.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/** The data directory: created on first use, readable by its owner only. */
final class DataDirectory {

    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);

    private DataDirectory() {
    }

    /**
     * Takes the data directory for this process alone, or fails: the server holds it while it
     * runs, and the commands that must not run beside a server (gc, backup, restore) take it too.
     * The lock goes with the process, so a crash never leaves it behind.
     */
    static Closeable lock(Path dir) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve("serve.lock"),
                EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), ownerOnly());
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process, e.g. a server started in the same JVM
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("an Attaché server (or another command) is using " + dir + "; stop it first");
        }
        FileLock held = lock;
        return () -> {
            try {
                held.release();
            } finally {
                channel.close();
            }
        };
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
        new java.security.SecureRandom().nextBytes(random);
        String id = java.util.HexFormat.of().formatHex(random);
        writePrivate(file, id + "\n");
        return id;
    }

    /** Writes a small file readable by its owner only (the data directory's files all are). */
    static void writePrivate(Path file, String content) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temp);
        }
        Files.writeString(temp, content, StandardCharsets.US_ASCII);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Options that open (creating if needed) a file readable by its owner only. */
    static FileAttribute<?>[] ownerOnly() {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
    }

    /**
     * Creates {@code dir} if it is missing and checks that this process can write in it.
     *
     * @throws IOException naming the directory and the reason, e.g. permission denied
     */
    static void create(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException("data directory " + dir + " is not a directory");
        }
        if (!Files.isDirectory(dir)) {
            try {
                if (dir.getParent() != null) {
                    Files.createDirectories(dir.getParent());
                }
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (UnsupportedOperationException e) {
                    Files.createDirectory(dir);
                }
            } catch (IOException e) {
                throw new IOException("cannot create data directory " + dir + ": " + Reasons.of(e), e);
            }
            log.info("Created data directory {}", dir);
        }
        if (!Files.isWritable(dir)) {
            boolean readOnly;
            try {
                readOnly = Files.getFileStore(dir).isReadOnly();
            } catch (IOException e) {
                readOnly = false;
            }
            throw new IOException("data directory " + dir + " is not writable: "
                    + (readOnly ? "read-only file system" : "permission denied"));
        }
    }
}
