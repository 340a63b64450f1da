package io.attache.clients;

import com.github.sardine.Sardine;
import com.github.sardine.SardineFactory;
import com.github.sardine.impl.SardineException;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Locking through a real client library (Sardine 5.13 on Apache HttpClient): two Sardine
 * instances log in as the same user, one takes the lock; the other, without the token, is kept out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Sardine with locks")
class SardineLockingTest {

    private static final AtomicInteger FOLDERS = new AtomicInteger();

    @TempDir
    static Path dir;
    TestServer server;
    Sardine owner;
    Sardine other;
    String folder;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir).user("sam");
        owner = SardineFactory.begin("sam", TestServer.PASSWORD);
        owner.enablePreemptiveAuthentication("127.0.0.1");
        other = SardineFactory.begin("sam", TestServer.PASSWORD);
        other.enablePreemptiveAuthentication("127.0.0.1");
    }

    @AfterAll
    void stop() throws Exception {
        owner.shutdown();
        other.shutdown();
        server.close();
    }

    @BeforeEach
    void freshFolder() throws Exception {
        folder = server.url() + "/sardine" + FOLDERS.incrementAndGet() + "/";
        owner.createDirectory(folder);
    }

    @Test
    @DisplayName("lock, write with the token, refresh, unlock; the other client gets 423 meanwhile")
    void lockWriteRefreshUnlock() throws Exception {
        String file = folder + "report.txt";
        owner.put(file, bytes("version 1"));

        String token = owner.lock(file);
        assertNotNull(token);
        assertLocked(() -> other.put(file, bytes("intruder")));
        assertLocked(() -> other.delete(file));
        assertLocked(() -> other.move(file, folder + "moved.txt"));

        owner.put(file, stream("version 2"), Map.of("If", "(<" + token + ">)"));
        assertEquals(token, owner.refreshLock(file, token, file), "a refresh keeps the token");
        owner.unlock(file, token);

        other.put(file, bytes("version 3"));
        assertArrayEquals(bytes("version 3"), read(owner.get(file)));
        assertFalse(other.exists(folder + "moved.txt"));
    }

    @Test
    @DisplayName("other clients discover the lock in a PROPFIND")
    void aLockIsDiscoverable() throws Exception {
        String file = folder + "shared.txt";
        owner.put(file, bytes("shared"));
        String token = owner.lock(file);
        assertEquals(token, other.list(file, 0).get(0).getLockToken());
        owner.unlock(file, token);
        assertNull(other.list(file, 0).get(0).getLockToken(), "UNLOCK removed the lock");
    }

    @Test
    @DisplayName("locking an unmapped URL creates an empty locked file")
    void lockAnUnmappedUrl() throws Exception {
        String file = folder + "placeholder.txt";
        String token = owner.lock(file);
        assertTrue(other.exists(file));
        assertEquals(0, read(other.get(file)).length);
        assertLocked(() -> other.put(file, bytes("intruder")));
        owner.put(file, stream("filled in"), Map.of("If", "(<" + token + ">)"));
        owner.unlock(file, token);
        assertArrayEquals(bytes("filled in"), read(other.get(file)));
    }

    @Test
    @DisplayName("a locked folder (Depth: infinity) protects its members and new names in it")
    void aLockedFolder() throws Exception {
        owner.put(folder + "member.txt", bytes("member"));
        String token = owner.lock(folder);

        assertLocked(() -> other.put(folder + "member.txt", bytes("intruder")));
        assertLocked(() -> other.put(folder + "new.txt", bytes("intruder")));
        assertLocked(() -> other.delete(folder + "member.txt"));
        assertLocked(() -> other.createDirectory(folder + "sub/"));

        owner.put(folder + "new.txt", stream("with the folder's token"), Map.of("If", "<" + folder + "> (<" + token + ">)"));
        owner.unlock(folder, token);
        other.put(folder + "after.txt", bytes("unlocked"));
        assertArrayEquals(bytes("with the folder's token"), read(other.get(folder + "new.txt")));
        assertArrayEquals(bytes("member"), read(other.get(folder + "member.txt")));
    }

    private static void assertLocked(Executable request) {
        SardineException refused = assertThrows(SardineException.class, request);
        assertEquals(423, refused.getStatusCode(), refused::getMessage);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(bytes(s));
    }

    private static byte[] read(InputStream in) throws Exception {
        try (in) {
            return in.readAllBytes();
        }
    }
}
