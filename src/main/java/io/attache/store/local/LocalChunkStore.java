package io.attache.store.local;

import io.attache.store.ChunkStore;
import io.attache.store.FileRangeStream;
import io.attache.store.Locator;
import io.attache.store.StoreException;
import io.attache.store.StoreProperties;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The embedded default store: one file per chunk in a local folder, fanned out by the first two
 * characters of the chunk's random name ({@code chunks/ab/ab12…}). Every write goes to a temp
 * file that is renamed into place, so a crash leaves either no file or the whole file, never a
 * torn one; a durable store also fsyncs the file and the rename before returning.
 */
public final class LocalChunkStore implements ChunkStore {

    public static final String SCHEME = "local";
    private static final int WRITE_SLICE = 1 << 20;
    private static final Pattern POINTER_NAME = Pattern.compile("[a-z0-9-]{1,40}");
    /** Large enough for any chunk size Attaché allows; a bound keeps a bad config from filling the disk with one file. */
    public static final long DEFAULT_MAX_OBJECT_SIZE = 1L << 30;

    private final StoreProperties properties;
    private final boolean durable;
    private final Path chunks;
    private final Path pointers;
    private final Path tmp;
    private final SecureRandom random = new SecureRandom();

    public LocalChunkStore(Path root) throws IOException {
        this(root, DEFAULT_MAX_OBJECT_SIZE, true);
    }

    public LocalChunkStore(Path root, long maxObjectSize) throws IOException {
        this(root, maxObjectSize, true);
    }

    /**
     * @param durable true to fsync every chunk and its directory before {@link #put} returns, so a
     *                stored chunk survives a power loss; false leaves that to the kernel's
     *                write-back (a crash of the process still loses nothing)
     */
    public LocalChunkStore(Path root, long maxObjectSize, boolean durable) throws IOException {
        this.durable = durable;
        this.properties = new StoreProperties(maxObjectSize, true, true);
        this.chunks = Files.createDirectories(root.resolve("chunks"));
        this.pointers = Files.createDirectories(root.resolve("pointers"));
        this.tmp = Files.createDirectories(root.resolve("tmp"));
        clearTemporaryFiles();
    }

    @Override
    public void status(java.util.Map<String, Object> into) {
        into.put("store", "local");
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public StoreProperties properties() {
        return properties;
    }

    @Override
    public Locator put(String chunkName, byte[] data, int offset, int length) throws StoreException {
        ChunkStore.requireChunkName(chunkName);
        if (length > properties.maxObjectSize()) {
            throw new StoreException.Permanent("chunk of " + length + " bytes exceeds the local store's limit");
        }
        Path target = pathOf(chunkName);
        try {
            if (!Files.isDirectory(target.getParent())) {
                // Looked at first: creating one that exists costs a failed mkdir and an exception per chunk.
                Files.createDirectories(target.getParent());
            }
            writeAtomically(target, ByteBuffer.wrap(data, offset, length));
        } catch (IOException e) {
            throw new StoreException.Retryable("cannot write chunk " + chunkName + ": " + e.getMessage(), e);
        }
        return Locator.of(SCHEME, chunkName);
    }

    @Override
    public InputStream open(Locator locator, long offset, long length) throws StoreException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range " + offset + "+" + length);
        }
        Path file = pathOf(nameOf(locator));
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new StoreException.NotFound("no chunk at " + locator);
        } catch (IOException e) {
            throw new StoreException.Retryable("cannot open chunk " + locator + ": " + e.getMessage(), e);
        }
        try {
            long size = channel.size();
            if (offset + length > size) {
                channel.close();
                throw new StoreException.Permanent("chunk " + locator + " has " + size
                        + " bytes, range " + offset + "+" + length + " asked for more");
            }
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StoreException.Retryable("cannot read chunk " + locator, e);
        }
        return new FileRangeStream(channel, offset, length);
    }

    @Override
    public void delete(Locator locator) throws StoreException {
        Path file = pathOf(nameOf(locator));
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StoreException.Retryable("cannot delete chunk " + locator + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long stat(Locator locator) throws StoreException {
        Path file = pathOf(nameOf(locator));
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            throw new StoreException.NotFound("no chunk at " + locator);
        } catch (IOException e) {
            throw new StoreException.Retryable("cannot stat chunk " + locator, e);
        }
    }

    @Override
    public void list(Consumer<Locator> sink) throws StoreException {
        try (DirectoryStream<Path> fans = Files.newDirectoryStream(chunks)) {
            for (Path fan : fans) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(fan)) {
                    for (Path file : files) {
                        String name = file.getFileName().toString();
                        if (CHUNK_NAME.matcher(name).matches()) {
                            sink.accept(Locator.of(SCHEME, name));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new StoreException.Retryable("cannot list " + chunks + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void putPointer(String name, byte[] data) throws StoreException {
        checkPointerName(name);
        try {
            writeAtomically(pointers.resolve(name), ByteBuffer.wrap(data));
        } catch (IOException e) {
            throw new StoreException.Retryable("cannot write pointer " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<byte[]> getPointer(String name) throws StoreException {
        checkPointerName(name);
        try {
            return Optional.of(Files.readAllBytes(pointers.resolve(name)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StoreException.Retryable("cannot read pointer " + name + ": " + e.getMessage(), e);
        }
    }

    private void writeAtomically(Path target, ByteBuffer bytes) throws IOException {
        Path temp = tmp.resolve(target.getFileName() + "." + HexFormat.of().toHexDigits(random.nextLong()) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel out = FileChannel.open(temp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    ownerOnly())) {
                // In slices: the JDK copies a heap buffer into a temporary direct one of the same size and
                // keeps it per thread, which for whole chunks would pin 10 MiB of native memory per uploader.
                while (bytes.hasRemaining()) {
                    int n = Math.min(WRITE_SLICE, bytes.remaining());
                    bytes.position(bytes.position() + out.write(bytes.slice(bytes.position(), n)));
                }
                if (durable) {
                    out.force(true);
                }
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                moved = true;
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the chunk folder does not support atomic renames", e);
            }
            if (durable) {
                syncDirectory(target.getParent());
            }
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Chunk and pointer files are readable by the server's user only (ciphertext, but still nobody else's). */
    private static FileAttribute<?>[] ownerOnly() {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
    }

    /** Makes the rename itself durable: without this a power loss can forget the new name. */
    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private void clearTemporaryFiles() throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp, "*.tmp")) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    private Path pathOf(String name) {
        return chunks.resolve(name.substring(0, 2)).resolve(name);
    }

    private static String nameOf(Locator locator) throws StoreException {
        if (!SCHEME.equals(locator.scheme()) || !CHUNK_NAME.matcher(locator.rest()).matches()) {
            throw new StoreException.Permanent("not a local store locator: " + locator);
        }
        return locator.rest();
    }

    private static void checkPointerName(String name) {
        if (!POINTER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("pointer name must match [a-z0-9-]{1,40}: " + name);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing; the first error is the one worth reporting
        }
    }
}
