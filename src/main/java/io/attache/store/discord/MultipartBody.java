package io.attache.store.discord;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@code multipart/form-data} body with a {@code payload_json} part and one file, sent straight
 * from the caller's array without copying it. The same publisher can be sent again, so a retry
 * sends identical bytes.
 */
final class MultipartBody {

    private final String boundary;
    private final HttpRequest.BodyPublisher publisher;

    private MultipartBody(String boundary, HttpRequest.BodyPublisher publisher) {
        this.boundary = boundary;
        this.publisher = publisher;
    }

    /**
     * A random 128-bit boundary: the chance that it occurs in ciphertext is negligible, which is
     * what every multipart writer relies on, so the data is not scanned for it.
     */
    static MultipartBody of(String payloadJson, String filename, byte[] data, int offset, int length) {
        if (!filename.matches("[A-Za-z0-9._-]{1,200}")) {
            throw new IllegalArgumentException("unsafe attachment file name " + filename);
        }
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random);
        String boundary = "attache-" + HexFormat.of().formatHex(random);
        String head = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"payload_json\"\r\n"
                + "Content-Type: application/json\r\n\r\n"
                + payloadJson + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"files[0]\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofByteArray(head.getBytes(StandardCharsets.UTF_8)),
                HttpRequest.BodyPublishers.ofByteArray(data, offset, length),
                HttpRequest.BodyPublishers.ofByteArray(tail.getBytes(StandardCharsets.UTF_8)));
        return new MultipartBody(boundary, publisher);
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    HttpRequest.BodyPublisher publisher() {
        return publisher;
    }
}
