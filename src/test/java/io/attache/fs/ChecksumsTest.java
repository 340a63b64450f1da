package io.attache.fs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChecksumsTest {

    static final String SHA1 = "a9993e364706816aba3e25717850c26c9cd0d89d";
    static final String MD5 = "900150983cd24fb0d6963f7d28e17f72";
    static final String SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "SHA1:" + SHA1 + "                    | SHA1:" + SHA1,
            "sha1:A9993E364706816ABA3E25717850C26C9CD0D89D | SHA1:" + SHA1,
            "Md5:" + MD5 + "                      | MD5:" + MD5,
            "SHA256:" + SHA256 + "                | SHA256:" + SHA256,
            "  SHA1:" + SHA1 + "   MD5:" + MD5 + " | SHA1:" + SHA1 + " MD5:" + MD5,
    })
    void parsesOwnCloudNotation(String header, String normalised) throws FsException {
        assertEquals(normalised, Checksums.parse(header).toString());
        assertEquals(Checksums.parse(header), Checksums.ofStored(normalised));
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {"ADLER32:024d0127", "SHA1", ":abc", "SHA1:", "SHA1:abc", "MD5:" + SHA1, "SHA1:" + SHA1 + "0",
            "SHA1:z9993e364706816aba3e25717850c26c9cd0d89d"})
    void refusesWhatItCannotVerify(String header) {
        assertThrows(FsException.BadRequest.class, () -> Checksums.parse(header));
    }

    @Test
    void computesSha1AndMd5BesidesWhatIsAnnouncedWhileTheBodyStreams() throws Exception {
        Checksums announced = Checksums.parse("SHA256:" + SHA256);
        Map<String, MessageDigest> digests = announced.newDigests();
        try (DigestingInputStream in = new DigestingInputStream(
                new ByteArrayInputStream("abc".getBytes(StandardCharsets.US_ASCII)), digests.values())) {
            assertEquals('a', in.read());
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        Checksums computed = Checksums.of(digests);
        assertEquals("SHA1:" + SHA1 + " MD5:" + MD5 + " SHA256:" + SHA256, computed.toString());
        assertEquals("", computed.mismatches(announced));
        assertEquals("MD5", computed.mismatches(Checksums.parse("MD5:" + "0".repeat(32) + " SHA1:" + SHA1)));
    }

    @Test
    void nothingStoredIsNull() {
        assertNull(Checksums.ofStored(null));
        assertNull(Checksums.ofStored(""));
    }
}
