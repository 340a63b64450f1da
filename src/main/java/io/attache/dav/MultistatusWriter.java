package io.attache.dav;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a {@code 207 Multi-Status} body as it goes, one response at a time, so an answer for a
 * folder of any size needs memory for one entry only. Each response is built in one reused
 * buffer and written as UTF-8 bytes at once. The output is compact on purpose: no indentation,
 * the one-letter {@code D:} prefix, and each foreign namespace declared on the element that uses
 * it. Windows refuses a listing above 1,000,000 bytes.
 */
final class MultistatusWriter implements AutoCloseable {

    private final OutputStream out;
    private static final int FLUSH_AT = 32 * 1024;
    private final StringBuilder xml = new StringBuilder(FLUSH_AT + 4096);

    MultistatusWriter(OutputStream stream) throws IOException {
        this.out = new BufferedOutputStream(stream, 64 * 1024);
        xml.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:multistatus xmlns:D=\"DAV:\">");
    }

    /** {@code href} is percent-encoded, which leaves nothing to escape for XML. */
    void startResponse(String href) {
        xml.append("<D:response><D:href>").append(href).append("</D:href>");
    }

    void endResponse() throws IOException {
        xml.append("</D:response>");
        if (xml.length() >= FLUSH_AT) {
            flushResponse();
        }
    }

    void startPropstat() {
        xml.append("<D:propstat><D:prop>");
    }

    void endPropstat(String status) {
        xml.append("</D:prop><D:status>HTTP/1.1 ").append(status).append("</D:status></D:propstat>");
    }

    /** A response that carries a status instead of properties (e.g. a failed member of a DELETE). */
    void statusResponse(String href, String status) throws IOException {
        startResponse(href);
        xml.append("<D:status>HTTP/1.1 ").append(status).append("</D:status>");
        endResponse();
    }

    /** A property element with escaped text content, or empty when {@code text} is null. */
    void property(String namespace, String name, String text) {
        if (text == null || text.isEmpty()) {
            propertyXml(namespace, name, null);
            return;
        }
        open(namespace, name);
        xml.append('>');
        Xml.escapeText(text, xml);
        close(namespace, name);
    }

    /** A property element with text that needs no escaping (digits, dates, entity tags). */
    void propertyPlain(String namespace, String name, String text) {
        propertyXml(namespace, name, text);
    }

    /** A property element whose content is already XML (a dead property's stored value, or live markup). */
    void propertyXml(String namespace, String name, String content) {
        open(namespace, name);
        if (content == null || content.isEmpty()) {
            xml.append("/>");
        } else {
            xml.append('>').append(content);
            close(namespace, name);
        }
    }

    /** Writes the start of an element, without its closing bracket. */
    private void open(String namespace, String name) {
        xml.append('<');
        if (Xml.DAV.equals(namespace)) {
            xml.append("D:").append(name);
        } else if (namespace.isEmpty()) {
            xml.append(name).append(" xmlns=\"\"");
        } else {
            xml.append("N:").append(name).append(" xmlns:N=\"");
            Xml.escapeAttribute(namespace, xml);
            xml.append('"');
        }
    }

    /** The end tag matching {@link #open}. */
    private void close(String namespace, String name) {
        xml.append("</");
        if (Xml.DAV.equals(namespace)) {
            xml.append("D:");
        } else if (!namespace.isEmpty()) {
            xml.append("N:");
        }
        xml.append(name).append('>');
    }

    private void flushResponse() throws IOException {
        out.write(xml.toString().getBytes(StandardCharsets.UTF_8));
        xml.setLength(0);
    }

    /** Ends the document and flushes; the caller closes the response stream. */
    @Override
    public void close() throws IOException {
        xml.append("</D:multistatus>");
        flushResponse();
        out.flush();
    }
}
