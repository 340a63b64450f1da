package io.attache.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The master key kept in a file readable only by its owner:
 * <pre>
 * # comment lines
 * attache-master-key-v1 BASE64(32 bytes)
 * </pre>
 */
public final class KeyFile {

    private static final String TAG = "attache-master-key-v1";
    private static final Set<PosixFilePermission> LOOSE = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private KeyFile() {
    }

    /** Reads the key file, creating it with a fresh random key (mode 0600) when it does not exist. */
    public static byte[] loadOrCreate(Path file, SecureRandom random) throws IOException {
        if (Files.notExists(file)) {
            byte[] raw = MasterKey.generateRaw(random);
            try {
                create(file, raw);
                return raw;
            } catch (FileAlreadyExistsException raced) {
                Arrays.fill(raw, (byte) 0);
            }
        }
        return load(file);
    }

    /** Reads an existing key file; refuses one that others can read. */
    public static byte[] load(Path file) throws IOException {
        checkPermissions(file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.split("\\s+");
            if (parts.length == 2 && parts[0].equals(TAG)) {
                byte[] raw;
                try {
                    raw = Base64.getDecoder().decode(parts[1]);
                } catch (IllegalArgumentException e) {
                    throw new IOException("key file " + file + " holds invalid base64");
                }
                if (raw.length != ChunkFormat.KEY_SIZE) {
                    throw new IOException("key file " + file + " holds " + raw.length + " bytes, not 32");
                }
                return raw;
            }
            break;
        }
        throw new IOException("key file " + file + " does not start with '" + TAG + " <base64>'");
    }

    /** Writes a new key file that only its owner can read; fails if the file exists. */
    public static void create(Path file, byte[] raw) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        String text = "# Attaché master key. Without it no file in this drive can be read: keep a copy somewhere safe.\n"
                + TAG + " " + Base64.getEncoder().encodeToString(raw) + "\n";
        boolean posix = Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView(PosixFileAttributeView.class);
        try (FileChannel out = posix
                ? FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            out.force(true);
        }
    }

    private static void checkPermissions(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        if (permissions.stream().anyMatch(LOOSE::contains)) {
            throw new IOException("key file " + file + " is accessible to other users ("
                    + PosixFilePermissions.toString(permissions) + "); run: chmod 600 " + file);
        }
    }
}
