package io.attache.dav;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Writes a {@code 207 Multi-Status} body as it goes, one response at a time, so an answer for a
 * folder of any size needs memory for one entry only. The output is compact on purpose: no
 * indentation, the one-letter {@code D:} prefix, and each foreign namespace declared on the
 * element that uses it. Windows refuses a listing above 1,000,000 bytes.
 */
final class MultistatusWriter implements AutoCloseable {

    private final Writer out;
    private final StringBuilder scratch = new StringBuilder(256);

    MultistatusWriter(OutputStream stream) throws IOException {
        this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 32 * 1024);
        out.write("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:multistatus xmlns:D=\"DAV:\">");
    }

    void startResponse(String href) throws IOException {
        out.write("<D:response><D:href>");
        out.write(Xml.escapeText(href));
        out.write("</D:href>");
    }

    void endResponse() throws IOException {
        out.write("</D:response>");
    }

    void startPropstat() throws IOException {
        out.write("<D:propstat><D:prop>");
    }

    void endPropstat(String status) throws IOException {
        out.write("</D:prop><D:status>HTTP/1.1 ");
        out.write(status);
        out.write("</D:status></D:propstat>");
    }

    /** A response that carries a status instead of properties (e.g. a failed member of a DELETE). */
    void statusResponse(String href, String status) throws IOException {
        startResponse(href);
        out.write("<D:status>HTTP/1.1 ");
        out.write(status);
        out.write("</D:status>");
        endResponse();
    }

    /** A property element with escaped text content, or empty when {@code text} is null. */
    void property(String namespace, String name, String text) throws IOException {
        propertyXml(namespace, name, text == null ? null : Xml.escapeText(text));
    }

    /** A property element whose content is already XML (a dead property's stored value, or live markup). */
    void propertyXml(String namespace, String name, String xml) throws IOException {
        scratch.setLength(0);
        String qualified = open(namespace, name);
        if (xml == null || xml.isEmpty()) {
            scratch.append("/>");
        } else {
            scratch.append('>').append(xml).append("</").append(qualified).append('>');
        }
        out.write(scratch.toString());
    }

    /** Writes the start of an element into {@link #scratch} and returns its qualified name. */
    private String open(String namespace, String name) {
        scratch.append('<');
        if (Xml.DAV.equals(namespace)) {
            scratch.append("D:").append(name);
            return "D:" + name;
        }
        if (namespace.isEmpty()) {
            scratch.append(name).append(" xmlns=\"\"");
            return name;
        }
        scratch.append("N:").append(name).append(" xmlns:N=\"");
        Xml.escapeAttribute(namespace, scratch);
        scratch.append('"');
        return "N:" + name;
    }

    /** Ends the document and flushes; the caller closes the response stream. */
    @Override
    public void close() throws IOException {
        out.write("</D:multistatus>");
        out.flush();
    }
}
