package io.attache.dav;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsing of request bodies (PROPFIND, PROPPATCH, LOCK) and escaping for responses. Parsing reads
 * at most a configured number of bytes (more is a 413), refuses DTDs and external entities (no
 * XXE, no entity expansion), and turns any malformed document into a 400.
 */
public final class Xml {

    public static final String DAV = "DAV:";
    private static final int MAX_DEPTH = 64;
    private static final XMLInputFactory FACTORY = factory();

    private Xml() {
    }

    private static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        return f;
    }

    /** Reads the whole body, or fails with 413 when it is larger than {@code maxBytes}. */
    static byte[] readBody(InputStream in, int maxBytes) throws IOException, DavException {
        byte[] body = in.readNBytes(maxBytes + 1);
        if (body.length > maxBytes) {
            throw new DavException(413, "request body larger than " + maxBytes + " bytes");
        }
        return body;
    }

    /** Parses a non-empty body into its root element; 400 when it is not a well-formed document. */
    static XmlElement parse(byte[] body) throws DavException {
        XMLStreamReader reader = null;
        try {
            reader = FACTORY.createXMLStreamReader(new ByteArrayInputStream(body));
            Deque<Builder> open = new ArrayDeque<>();
            XmlElement root = null;
            while (reader.hasNext()) {
                int event = reader.next();
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (open.size() >= MAX_DEPTH) {
                            throw new DavException(400, "XML nested deeper than " + MAX_DEPTH);
                        }
                        open.push(new Builder(reader));
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        XmlElement done = open.pop().build();
                        if (open.isEmpty()) {
                            root = done;
                        } else {
                            open.peek().children.add(done);
                        }
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (!open.isEmpty()) {
                            open.peek().children.add(reader.getText());
                        }
                    }
                    case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE ->
                            throw new DavException(400, "DTDs and entity references are not accepted");
                    default -> {
                        // comments, processing instructions, document start/end
                    }
                }
            }
            if (root == null) {
                throw new DavException(400, "the body has no root element");
            }
            return root;
        } catch (XMLStreamException | IllegalStateException e) {
            throw new DavException(400, "malformed XML: " + e.getMessage());
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // nothing left to release
                }
            }
        }
    }

    private static final class Builder {
        final String namespace;
        final String name;
        final Map<XmlElement.XmlName, String> attributes = new LinkedHashMap<>();
        final List<Object> children = new ArrayList<>();

        Builder(XMLStreamReader reader) {
            String ns = reader.getNamespaceURI();
            this.namespace = ns == null ? "" : ns;
            this.name = reader.getLocalName();
            for (int i = 0; i < reader.getAttributeCount(); i++) {
                String ans = reader.getAttributeNamespace(i);
                attributes.put(new XmlElement.XmlName(ans == null ? "" : ans, reader.getAttributeLocalName(i)),
                        reader.getAttributeValue(i));
            }
        }

        XmlElement build() {
            return new XmlElement(namespace, name, attributes, children);
        }
    }

    static void escapeText(String text, StringBuilder out) {
        escape(text, out, false);
    }

    static void escapeAttribute(String text, StringBuilder out) {
        escape(text, out, true);
    }

    /**
     * Appends {@code text} with what XML needs escaped: in text content {@code <>&} and CR, in an
     * attribute value also the quote and the whitespace an attribute would normalise.
     */
    private static void escape(String text, StringBuilder out, boolean attribute) {
        if (plain(text)) {
            out.append(text);
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '\r' -> out.append("&#13;");
                case '"' -> out.append(attribute ? "&quot;" : "\"");
                case '\n' -> out.append(attribute ? "&#10;" : "\n");
                case '\t' -> out.append(attribute ? "&#9;" : "\t");
                default -> out.append(c);
            }
        }
    }

    /** True when nothing in {@code text} needs escaping, the usual case for names and values. */
    private static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '<' || c == '>' || c == '&' || c == '"' || c < 0x20) {
                return false;
            }
        }
        return true;
    }

    static String escapeText(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        escapeText(text, out);
        return out.toString();
    }
}
