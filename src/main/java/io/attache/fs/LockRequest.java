package io.attache.fs;

/** What a LOCK asks for: scope, depth, owner and timeout (already capped by the server's maximum). */
public record LockRequest(boolean exclusive, boolean infinite, String ownerXml, long timeoutSeconds) {

    public LockRequest {
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("timeout must be positive: " + timeoutSeconds);
        }
    }
}
