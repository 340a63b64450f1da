package io.attache.dav;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed element of a request body: its namespace and local name, attributes, and children
 * (elements and text, in document order). Request bodies are small and capped, so a tree is the
 * simplest faithful representation.
 */
public record XmlElement(String namespace, String name, Map<XmlName, String> attributes, List<Object> children) {

    /** A namespaced name; the empty namespace is "". */
    public record XmlName(String namespace, String name) {
    }

    public XmlElement {
        attributes = Map.copyOf(attributes);
        children = List.copyOf(children);
    }

    public boolean is(String ns, String local) {
        return namespace.equals(ns) && name.equals(local);
    }

    public List<XmlElement> elements() {
        List<XmlElement> out = new ArrayList<>();
        for (Object child : children) {
            if (child instanceof XmlElement e) {
                out.add(e);
            }
        }
        return out;
    }

    public Optional<XmlElement> child(String ns, String local) {
        return elements().stream().filter(e -> e.is(ns, local)).findFirst();
    }

    /** Concatenated text of this element's direct text children. */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (Object child : children) {
            if (child instanceof String s) {
                out.append(s);
            }
        }
        return out.toString();
    }

    /** True when the element has child elements or non-blank text. */
    public boolean hasContent() {
        return !elements().isEmpty() || !text().isBlank();
    }

    /**
     * This element's content as self-contained XML: every top-level element declares its own
     * namespace, so the fragment can be stored and later placed inside any parent unchanged.
     */
    public String contentAsXml() {
        StringBuilder out = new StringBuilder();
        for (Object child : children) {
            if (child instanceof XmlElement e) {
                e.appendXml(out, null);
            } else {
                Xml.escapeText((String) child, out);
            }
        }
        return out.toString();
    }

    private void appendXml(StringBuilder out, String inheritedDefault) {
        out.append('<').append(name);
        if (!namespace.equals(inheritedDefault)) {
            out.append(" xmlns=\"");
            Xml.escapeAttribute(namespace, out);
            out.append('"');
        }
        int prefix = 0;
        for (Map.Entry<XmlName, String> a : attributes.entrySet()) {
            out.append(' ');
            if (!a.getKey().namespace().isEmpty()) {
                String p = "a" + prefix++;
                out.append("xmlns:").append(p).append("=\"");
                Xml.escapeAttribute(a.getKey().namespace(), out);
                out.append("\" ").append(p).append(':');
            }
            out.append(a.getKey().name()).append("=\"");
            Xml.escapeAttribute(a.getValue(), out);
            out.append('"');
        }
        if (children.isEmpty()) {
            out.append("/>");
            return;
        }
        out.append('>');
        for (Object child : children) {
            if (child instanceof XmlElement e) {
                e.appendXml(out, namespace);
            } else {
                Xml.escapeText((String) child, out);
            }
        }
        out.append("</").append(name).append('>');
    }
}
