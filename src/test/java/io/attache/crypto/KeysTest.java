package io.attache.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeysTest {

    @TempDir
    Path dir;
    private final SecureRandom random = new SecureRandom();

    @Test
    void aNewKeyFileIsOwnerOnlyAndReadsBackTheSameKey() throws Exception {
        Path file = dir.resolve("sub/master.key");
        byte[] created = KeyFile.loadOrCreate(file, random);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertArrayEquals(created, KeyFile.loadOrCreate(file, random));
        assertArrayEquals(created, KeyFile.load(file));
    }

    @Test
    void aKeyFileOthersCanReadIsRefused() throws Exception {
        Path file = dir.resolve("master.key");
        KeyFile.loadOrCreate(file, random);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        IOException e = assertThrows(IOException.class, () -> KeyFile.load(file));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }

    @Test
    void aDamagedKeyFileIsRefusedWithItsName() throws Exception {
        Path file = dir.resolve("master.key");
        Files.writeString(file, "attache-master-key-v1 AAAA\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        IOException e = assertThrows(IOException.class, () -> KeyFile.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void passwordHashesVerifyOnlyTheirPassword() {
        String hash = PasswordHash.hash("s3cret pass".toCharArray(), random);
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
        assertTrue(PasswordHash.verify("s3cret pass".toCharArray(), hash));
        assertFalse(PasswordHash.verify("s3cret pasS".toCharArray(), hash));
        assertFalse(PasswordHash.verify("s3cret pass".toCharArray(), "not a hash"));
        assertFalse(PasswordHash.verify("x".toCharArray(), hash.substring(0, hash.lastIndexOf('$'))));
    }

    @Test
    void twoHashesOfOnePasswordDiffer() {
        assertFalse(PasswordHash.hash("a".toCharArray(), random).equals(PasswordHash.hash("a".toCharArray(), random)));
    }

    @Test
    void weakArgon2ParametersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Argon2id(1024, 1, 1, new byte[8]));
        assertThrows(IllegalArgumentException.class, () -> Argon2id.parse("$argon2i$v=19$m=1,t=1,p=1$AAAA"));
    }
}
