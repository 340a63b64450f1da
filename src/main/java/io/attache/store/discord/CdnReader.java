package io.attache.store.discord;

import io.attache.store.ExactLengthInputStream;
import io.attache.store.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Reads attachment bytes from the CDN. A range is asked for with {@code Range}; a 206 must name
 * exactly that range, a 200 must hold exactly the whole object and is sliced here. The stream
 * returned yields exactly the requested bytes or fails: a body that ends early is a retryable
 * error, and a whole-object read whose CRC32C differs from the one recorded at upload fails
 * instead of ending.
 */
final class CdnReader {

    /** The CDN refused the URL (expired, tampered or deleted): sign a new one and try once more. */
    static final class StaleUrl extends Exception {
        StaleUrl(int status) {
            super("the CDN answered " + status);
        }
    }

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

    private final HttpClient http;
    private final Duration timeout;
    private final String userAgent;

    CdnReader(HttpClient http, Duration timeout, String userAgent) {
        this.http = http;
        this.timeout = timeout;
        this.userAgent = userAgent;
    }

    /**
     * @param size  the object's size as recorded at upload
     * @param crc32c checked when the whole object is read; null when unknown
     * @param what  names the object in errors
     */
    InputStream open(URI url, long offset, long length, long size, Integer crc32c, String what)
            throws StaleUrl, StoreException {
        boolean whole = offset == 0 && length == size;
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout).GET()
                .header("User-Agent", userAgent);
        if (!whole) {
            request.header("Range", "bytes=" + offset + "-" + (offset + length - 1));
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new StoreException.Retryable("CDN read of " + what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Permanent("interrupted while reading " + what, e);
        }
        int status = response.statusCode();
        InputStream body = response.body();
        try {
            return switch (status) {
                case 200 -> whole(body, response, offset, length, size, whole ? crc32c : null, what);
                case 206 -> partial(body, response, offset, length, size, what);
                case 403, 404, 410 -> throw new StaleUrl(status);
                case 416 -> throw new StoreException.Permanent("the CDN says " + what + " has no bytes "
                        + offset + "+" + length + " (416)");
                case 429 -> throw new StoreException.RetryAfter("the CDN rate-limited the read of " + what,
                        1000 * DiscordApi.longHeader(response.headers(), "Retry-After").orElse(1));
                default -> throw new StoreException.Retryable("the CDN answered " + status + " for " + what);
            };
        } catch (StaleUrl | StoreException e) {
            closeQuietly(body);
            throw e;
        }
    }

    private static InputStream whole(InputStream body, HttpResponse<?> response, long offset, long length, long size,
                                     Integer crc, String what) throws StoreException {
        OptionalLong declared = DiscordApi.longHeader(response.headers(), "Content-Length");
        if (declared.isPresent() && declared.getAsLong() != size) {
            throw new StoreException.Retryable("the CDN sent " + declared.getAsLong() + " bytes of " + what
                    + ", which has " + size);
        }
        try {
            body.skipNBytes(offset);
        } catch (IOException e) {
            throw new StoreException.Retryable("the CDN's whole-object answer for " + what + " ended before byte "
                    + offset + ": " + e.getMessage(), e);
        }
        return new ExactStream(body, length, crc, what);
    }

    private static InputStream partial(InputStream body, HttpResponse<?> response, long offset, long length, long size,
                                       String what) throws StoreException {
        String range = response.headers().firstValue("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(range);
        long last = offset + length - 1;
        if (!m.matches() || Long.parseLong(m.group(1)) != offset || Long.parseLong(m.group(2)) != last
                || Long.parseLong(m.group(3)) != size) {
            throw new StoreException.Retryable("the CDN answered range '" + range + "' of " + what
                    + " for bytes " + offset + "-" + last + "/" + size);
        }
        OptionalLong declared = DiscordApi.longHeader(response.headers(), "Content-Length");
        if (declared.isPresent() && declared.getAsLong() != length) {
            throw new StoreException.Retryable("the CDN declared " + declared.getAsLong() + " bytes for a "
                    + length + "-byte range of " + what);
        }
        return new ExactStream(body, length, null, what);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the answer is already refused; closing only frees the connection
        }
    }

    /** Exactly {@code length} bytes or an error; optionally checks the CRC32C at the end. */
    private static final class ExactStream extends ExactLengthInputStream {
        private final InputStream body;
        private final Integer expectedCrc;
        private final CRC32C crc = new CRC32C();
        private final String what;

        ExactStream(InputStream body, long length, Integer expectedCrc, String what) {
            super(length);
            this.body = body;
            this.expectedCrc = expectedCrc;
            this.what = what;
        }

        @Override
        protected int fill(byte[] b, int off, int len) throws IOException {
            try {
                return body.read(b, off, len);
            } catch (StoreException e) {
                throw e;
            } catch (IOException e) {
                throw new StoreException.Retryable("reading " + what + " from the CDN failed with "
                        + remaining() + " bytes to go: " + e.getMessage(), e);
            }
        }

        @Override
        protected IOException endedEarly(long delivered, long length) {
            return new StoreException.Retryable("the CDN's answer for " + what + " ended after "
                    + delivered + " of " + length + " bytes");
        }

        @Override
        protected void delivered(byte[] b, int off, int n, boolean complete) throws IOException {
            if (expectedCrc == null) {
                return;
            }
            crc.update(b, off, n);
            if (complete && (int) crc.getValue() != expectedCrc) {
                throw new IOException("content check failed for " + what + ": CRC32C "
                        + DiscordLocator.crcHex((int) crc.getValue()) + ", recorded "
                        + DiscordLocator.crcHex(expectedCrc) + " (a corrupted transfer; open it again)");
            }
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(remaining(), body.available());
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }
}
