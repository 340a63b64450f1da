package io.attache.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * Reads blobs that other nodes of a cluster have staged and not yet uploaded: a write-back node
 * acknowledges a PUT once the data is on its own disk, and until its uploader has moved the blob
 * into the store, that disk is the only copy. A read of such a blob on any other node fetches the
 * range it needs from the owner's cluster listener, with a request signed by the cluster secret
 * ({@link PeerSignature}); everything else passes through. When the owner is down, the read fails
 * as retryable (the client sees 503) until it is back: nothing else holds those bytes.
 */
public final class PeerStagingStore extends ForwardingChunkStore {

    /** Where the other nodes are reached. */
    @FunctionalInterface
    public interface Directory {
        /** The base URL of node {@code node}'s cluster listener, if it has one. */
        Optional<String> urlOf(String node) throws StoreException;
    }

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final String self;
    private final Directory directory;
    private final PeerSignature signature;
    private final HttpClient http;

    /**
     * @param self      this node's id: its own staged blobs pass through to {@code inner}
     * @param signature signs requests with the cluster secret; null when there is none, and then
     *                  a read of another node's staged blob fails saying so
     */
    public PeerStagingStore(ChunkStore inner, String self, Directory directory, PeerSignature signature) {
        super(inner);
        this.self = self;
        this.directory = directory;
        this.signature = signature;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The path under which a node serves one of its staged blobs. */
    public static String path(Locator locator) {
        return "/staged/" + locator.rest();
    }

    private boolean elsewhere(Locator locator) {
        String owner = StagingStore.isStaged(locator) ? StagingStore.nodeOf(locator) : null;
        return owner != null && !owner.equals(self);
    }

    @Override
    public InputStream open(Locator locator, long offset, long length) throws StoreException {
        if (!elsewhere(locator)) {
            return inner.open(locator, offset, length);
        }
        if (length == 0) {
            return new ByteArrayInputStream(new byte[0]);
        }
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        HttpResponse<InputStream> response = send(locator, "GET", range);
        if (response.statusCode() != 206) {
            close(response);
            throw refused(locator, response.statusCode());
        }
        InputStream body = response.body();
        return new ExactLengthInputStream(length) {
            @Override
            protected int fill(byte[] b, int off, int len) throws IOException {
                return body.read(b, off, len);
            }

            @Override
            protected IOException endedEarly(long delivered, long expected) {
                return new StoreException.Retryable("node " + StagingStore.nodeOf(locator) + " sent " + delivered + " of "
                        + expected + " bytes of " + locator);
            }

            @Override
            public void close() throws IOException {
                body.close();
            }
        };
    }

    @Override
    public long stat(Locator locator) throws StoreException {
        if (!elsewhere(locator)) {
            return inner.stat(locator);
        }
        HttpResponse<InputStream> response = send(locator, "HEAD", "");
        close(response);
        if (response.statusCode() != 200) {
            throw refused(locator, response.statusCode());
        }
        return response.headers().firstValueAsLong("Content-Length")
                .orElseThrow(() -> new StoreException.Retryable("node " + StagingStore.nodeOf(locator) + " sent no length"));
    }

    /** Only the owner deletes its staged blobs (see DeleteQueue): asking here is a mistake. */
    @Override
    public void delete(Locator locator) throws StoreException {
        if (elsewhere(locator)) {
            throw new StoreException.Permanent(locator + " is staged on node " + StagingStore.nodeOf(locator)
                    + "; only that node deletes it");
        }
        inner.delete(locator);
    }

    @Override
    public void deleteAll(Collection<Locator> locators) throws StoreException {
        for (Locator locator : locators) {
            if (elsewhere(locator)) {
                delete(locator);
            }
        }
        inner.deleteAll(locators);
    }

    private HttpResponse<InputStream> send(Locator locator, String method, String range) throws StoreException {
        String owner = StagingStore.nodeOf(locator);
        if (signature == null) {
            throw new StoreException.Permanent(locator + " is staged on node " + owner
                    + " and this node has no cluster-secret to ask for it");
        }
        String base = directory.urlOf(owner).orElseThrow(() -> new StoreException.Retryable(locator + " is staged on node "
                + owner + ", which has no cluster listener recorded; it can be read once that node has uploaded it"));
        String path = path(locator);
        long date = signature.now();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(READ_TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header(PeerSignature.NODE, self)
                .header(PeerSignature.DATE, Long.toString(date))
                .header(PeerSignature.SIGNATURE, signature.sign(method, path, range, self, date));
        if (!range.isEmpty()) {
            request.header("Range", range);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException | HttpTimeoutException e) {
            throw new StoreException.Retryable("node " + owner + " (" + base + "), which staged " + locator
                    + ", does not answer; its staged content is readable again once it is back: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Retryable("interrupted while reading " + locator + " from node " + owner,
                    new InterruptedIOException());
        } catch (IOException e) {
            throw new StoreException.Retryable("reading " + locator + " from node " + owner + " failed: " + e, e);
        }
    }

    private static StoreException refused(Locator locator, int status) {
        String owner = StagingStore.nodeOf(locator);
        return switch (status) {
            case 404 -> new StoreException.NotFound("node " + owner + " no longer stages " + locator);
            case 401, 403 -> new StoreException.Permanent("node " + owner + " refused to serve " + locator
                    + " (" + status + "): are cluster-secret and the clocks of the nodes the same?");
            default -> new StoreException.Retryable("node " + owner + " answered " + status + " for " + locator);
        };
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException e) {
            // nothing was read from it
        }
    }
}
