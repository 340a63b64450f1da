package io.attache.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

import java.io.PrintWriter;

/**
 * Jetty's own refusals, for requests it cannot hand to the servlet (a path holding {@code %00} or
 * a broken {@code %} escape, headers too large), as one line of plain text that says why, like the
 * servlet's refusals: WebDAV clients show a text body, not an HTML page. A browser that asks for
 * HTML still gets Jetty's page.
 */
final class PlainErrorHandler extends ErrorHandler {

    PlainErrorHandler() {
        setDefaultResponseMimeType("text/plain");
        setShowStacks(false);
    }

    @Override
    protected void writeErrorPlain(Request request, PrintWriter writer, int code, String message, Throwable cause) {
        writer.write(code + " " + message + reason(cause) + "\n");
    }

    /** The innermost cause's message: Jetty wraps the parser's reason ("Illegal character in path") in generic ones. */
    static String reason(Throwable cause) {
        String reason = null;
        for (Throwable t = cause; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                reason = t.getMessage();
            }
        }
        return reason == null ? "" : ": " + reason;
    }
}
