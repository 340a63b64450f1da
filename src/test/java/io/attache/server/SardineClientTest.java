package io.attache.server;

import com.github.sardine.DavResource;
import com.github.sardine.Sardine;
import com.github.sardine.SardineFactory;
import com.github.sardine.impl.SardineException;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.xml.namespace.QName;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real WebDAV client library (Sardine, on Apache HttpClient) driving every class 1 method. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SardineClientTest {

    @TempDir
    static Path dir;
    TestServer server;
    Sardine dav;
    String root;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir, Map.of("chunk-size", "256KiB")).user("sam");
        dav = SardineFactory.begin("sam", TestServer.PASSWORD);
        dav.enablePreemptiveAuthentication("127.0.0.1");
        root = server.url() + "/";
    }

    @AfterAll
    void stop() throws Exception {
        dav.shutdown();
        server.close();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] read(InputStream in) throws Exception {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void foldersFilesListingsAndContent() throws Exception {
        dav.createDirectory(root + "music/");
        dav.createDirectory(root + "music/jazz/");
        byte[] song = new byte[1_000_000];
        new Random(5).nextBytes(song);
        dav.put(root + "music/jazz/take%20five.mp3", song);
        dav.put(root + "music/readme.txt", bytes("hello"));

        assertTrue(dav.exists(root + "music/jazz/take%20five.mp3"));
        assertFalse(dav.exists(root + "music/blues/"));
        assertArrayEquals(song, read(dav.get(root + "music/jazz/take%20five.mp3")));

        List<DavResource> listing = dav.list(root + "music/");
        Set<String> names = listing.stream().map(DavResource::getName).collect(Collectors.toSet());
        assertEquals(Set.of("music", "jazz", "readme.txt"), names);
        DavResource jazz = dav.list(root + "music/jazz/").stream().filter(r -> !r.isDirectory()).findFirst().orElseThrow();
        assertEquals("take five.mp3", jazz.getName());
        assertEquals(1_000_000L, jazz.getContentLength());
        assertEquals("audio/mpeg", jazz.getContentType());
        assertTrue(jazz.getEtag() != null && !jazz.getEtag().isEmpty());
        assertTrue(jazz.getModified() != null);
    }

    @Test
    void rangedGet() throws Exception {
        byte[] data = new byte[600_000];
        new Random(6).nextBytes(data);
        dav.put(root + "ranged.bin", data);
        byte[] part = read(dav.get(root + "ranged.bin", Map.of("Range", "bytes=262100-262199")));
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 262_100, 262_200), part);
    }

    @Test
    void overwriteChangesContentAndEtag() throws Exception {
        dav.put(root + "v.txt", bytes("one"));
        String first = dav.list(root + "v.txt").get(0).getEtag();
        dav.put(root + "v.txt", new ByteArrayInputStream(bytes("two, longer")));
        DavResource after = dav.list(root + "v.txt").get(0);
        assertNotEquals(first, after.getEtag());
        assertArrayEquals(bytes("two, longer"), read(dav.get(root + "v.txt")));
    }

    @Test
    void copyMoveAndDelete() throws Exception {
        dav.createDirectory(root + "cm/");
        dav.put(root + "cm/a.txt", bytes("a"));
        dav.copy(root + "cm/a.txt", root + "cm/b.txt");
        dav.move(root + "cm/b.txt", root + "cm/c.txt");
        assertArrayEquals(bytes("a"), read(dav.get(root + "cm/c.txt")));
        assertFalse(dav.exists(root + "cm/b.txt"));
        SardineException refused = assertThrows(SardineException.class,
                () -> dav.copy(root + "cm/a.txt", root + "cm/c.txt", false));
        assertEquals(412, refused.getStatusCode());
        dav.delete(root + "cm/");
        assertFalse(dav.exists(root + "cm/a.txt"));
        assertFalse(dav.exists(root + "cm/"));
    }

    @Test
    void deadPropertiesSetReadAndRemoved() throws Exception {
        dav.put(root + "p.txt", bytes("p"));
        QName color = new QName("urn:example:props", "color", "ex");
        QName size = new QName("urn:example:props", "size", "ex");
        dav.patch(root + "p.txt", Map.of(color, "green", size, "XL"));
        Map<String, String> props = dav.list(root + "p.txt", 0, Set.of(color, size)).get(0).getCustomProps();
        assertEquals("green", props.get("color"));
        assertEquals("XL", props.get("size"));
        dav.patch(root + "p.txt", Map.of(), List.of(color));
        Map<String, String> after = dav.list(root + "p.txt", 0, Set.of(color, size)).get(0).getCustomProps();
        assertEquals("", after.getOrDefault("color", ""), "Sardine lists a removed (404) property with no value");
        assertEquals("XL", after.get("size"));
    }

    @Test
    void quotaProperties() throws Exception {
        dav.put(root + "q.bin", new byte[1234]);
        var quota = dav.getQuota(root);
        assertTrue(quota.getQuotaUsedBytes() >= 1234, "used " + quota.getQuotaUsedBytes());
        assertTrue(quota.getQuotaAvailableBytes() > 0);
    }

    @Test
    void errorsReachTheClientAsStatuses() {
        SardineException missing = assertThrows(SardineException.class, () -> dav.get(root + "nope/nothing.txt"));
        assertEquals(404, missing.getStatusCode());
        SardineException conflict = assertThrows(SardineException.class, () -> dav.put(root + "nope/new.txt", bytes("x")));
        assertEquals(409, conflict.getStatusCode());
        SardineException exists = assertThrows(SardineException.class, () -> dav.createDirectory(root));
        assertEquals(405, exists.getStatusCode());
    }
}
