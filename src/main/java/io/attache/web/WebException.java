package io.attache.web;

/** A request the web face refuses before it reaches the file system: a status and a message for the page. */
final class WebException extends Exception {

    private final int status;

    WebException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
