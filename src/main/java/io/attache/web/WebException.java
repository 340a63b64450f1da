package io.attache.web;

/** A request the web face refuses before it reaches the file system: a status and a message for the page. */
final class WebException extends Exception {

    private final int status;
    private java.time.Duration retryAfter;

    WebException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The answer says when to come back ({@code Retry-After}). */
    WebException retryAfter(java.time.Duration wait) {
        this.retryAfter = wait;
        return this;
    }

    int status() {
        return status;
    }

    java.time.Duration retryAfter() {
        return retryAfter;
    }
}
