package io.attache.server;

import io.attache.fs.DavPath;
import io.attache.fs.Drive;
import io.attache.testing.RawHttp;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A folder of 2,000 files lists in under 1,000,000 bytes (Windows shows an empty folder beyond
 * FileAttributesLimitInBytes), and the answer is streamed rather than built whole.
 */
class LargeFolderTest {

    @TempDir
    Path dir;

    @Test
    void allpropOfTwoThousandFilesFitsWindowsLimitAndStreams() throws Exception {
        try (TestServer server = TestServer.start(dir).user("w")) {
            Drive drive = server.attache().files.drive(server.attache().users.find("w").orElseThrow().id());
            drive.mkdir(DavPath.parse("/Camera Roll"));
            for (int i = 0; i < 2_000; i++) {
                String name = String.format("IMG_20261122_%06d.jpg", i);
                drive.write(DavPath.parse("/Camera%20Roll/" + name), new ByteArrayInputStream(new byte[]{(byte) i}), "image/jpeg");
            }
            RawHttp.Response r = RawHttp.exchange(server.port(), """
                    PROPFIND /Camera%20Roll/ HTTP/1.1
                    Host: 127.0.0.1
                    Depth: 1
                    Content-Type: text/xml
                    Authorization: """ + TestServer.basic("w"),
                    "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:propfind xmlns:D=\"DAV:\"><D:allprop/></D:propfind>");
            assertEquals(207, r.status());
            String xml = r.text();
            assertEquals(2_001, xml.split("<D:response>", -1).length - 1, "the folder and its 2,000 files");
            assertTrue(xml.contains("<D:href>/Camera%20Roll/IMG_20261122_001999.jpg</D:href>"));
            System.out.println("allprop Depth 1 of 2,000 files: " + r.body().length + " bytes");
            assertTrue(r.body().length < 1_000_000, "allprop of 2,000 files is " + r.body().length + " bytes");
            assertEquals("chunked", r.header("Transfer-Encoding"), "written as it is produced, its length unknown up front");
            assertNull(r.header("Content-Length"));
        }
    }
}
