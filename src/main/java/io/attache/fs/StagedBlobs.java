package io.attache.fs;

import io.attache.store.Locator;
import io.attache.store.PeerSignature;
import io.attache.store.PeerStagingStore;
import io.attache.store.StagingStore;
import io.attache.store.StoreException;

import java.io.IOException;
import java.io.InputStream;

/**
 * What this node lends the other nodes of its cluster: ranges of the blobs it has staged and not
 * yet uploaded (see {@link PeerStagingStore}, which asks for them), to requests signed with the
 * cluster secret. Only ciphertext leaves this way, exactly as it would leave for the store.
 */
public final class StagedBlobs {

    private final StagingStore staging;
    private final PeerSignature signature;
    private final String node;

    /** @param staging this node's staging area, or null when it stages nothing (every request is then 404) */
    public StagedBlobs(StagingStore staging, PeerSignature signature, String node) {
        this.staging = staging;
        this.signature = signature;
        this.node = node;
    }

    /** True when another node signed this request with the cluster secret, recently. */
    public boolean authorized(String method, String path, String range, String sender, String date, String signed) {
        return signature.verify(method, path, range, sender, date, signed);
    }

    /** The size of the staged blob at {@code path} ({@code /staged/NODE/NAME}). */
    public long size(String path) throws FsException.NotFound, IOException {
        Locator locator = locator(path);
        try {
            return staging.stat(locator);
        } catch (StoreException.NotFound e) {
            throw new FsException.NotFound(locator + " is not staged here (uploaded since?)");
        }
    }

    /** Bytes {@code [offset, offset + length)} of the staged blob at {@code path}. */
    public InputStream open(String path, long offset, long length) throws FsException.NotFound, IOException {
        Locator locator = locator(path);
        try {
            return staging.open(locator, offset, length);
        } catch (StoreException.NotFound e) {
            throw new FsException.NotFound(locator + " is not staged here (uploaded since?)");
        }
    }

    private Locator locator(String path) throws FsException.NotFound {
        if (staging == null || !path.startsWith("/staged/" + node + "/")) {
            throw new FsException.NotFound(path + " is not staged on node " + node);
        }
        return Locator.of(StagingStore.SCHEME, path.substring("/staged/".length()));
    }
}
