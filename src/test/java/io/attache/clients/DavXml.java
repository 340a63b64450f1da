package io.attache.clients;

import io.attache.testing.RawHttp.Response;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads WebDAV answers by namespace and local name, as clients do, so that assertions do not
 * depend on the prefixes or the layout the server chooses.
 */
final class DavXml {

    static final String DAV = "DAV:";

    private DavXml() {
    }

    /** A property as answered for one resource: the status of its propstat and the element. */
    record Prop(int status, Element element) {
        String text() {
            return element.getTextContent().trim();
        }

        boolean has(String namespace, String local) {
            return first(element, namespace, local) != null;
        }
    }

    /** One {@code DAV:activelock}, its parts as text ({@code null} when absent). */
    record ActiveLock(String token, String scope, String type, String depth, String timeout, String owner, String root) {
    }

    static Document parse(Response response) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(response.body()));
        } catch (Exception e) {
            throw new AssertionError("the body is not well-formed XML (" + e.getMessage() + "): " + response, e);
        }
    }

    static List<Element> all(Node scope, String namespace, String local) {
        NodeList nodes = scope instanceof Document d
                ? d.getElementsByTagNameNS(namespace, local)
                : ((Element) scope).getElementsByTagNameNS(namespace, local);
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            elements.add((Element) nodes.item(i));
        }
        return elements;
    }

    static Element first(Node scope, String namespace, String local) {
        List<Element> elements = all(scope, namespace, local);
        return elements.isEmpty() ? null : elements.get(0);
    }

    static String text(Node scope, String namespace, String local) {
        Element element = first(scope, namespace, local);
        return element == null ? null : element.getTextContent().trim();
    }

    /** The responses of a multistatus by decoded path (collections keep their trailing slash). */
    static Map<String, Element> responses(Response multistatus) {
        if (multistatus.status() != 207) {
            throw new AssertionError("expected 207 Multi-Status: " + multistatus);
        }
        Map<String, Element> byPath = new LinkedHashMap<>();
        for (Element response : all(parse(multistatus), DAV, "response")) {
            byPath.put(path(text(response, DAV, "href")), response);
        }
        return byPath;
    }

    /**
     * The property {@code namespace local} in the multistatus response for {@code path} (written
     * as in a request line, percent-encoded); fails when the resource or the property is not in
     * the answer at all.
     */
    static Prop prop(Response multistatus, String path, String namespace, String local) {
        Map<String, Element> responses = responses(multistatus);
        Element response = responses.get(path(path));
        if (response == null) {
            throw new AssertionError("no response for " + path + " among " + responses.keySet() + ": " + multistatus.text());
        }
        for (Element propstat : all(response, DAV, "propstat")) {
            Element prop = first(propstat, DAV, "prop");
            Element value = prop == null ? null : first(prop, namespace, local);
            if (value != null) {
                return new Prop(statusCode(text(propstat, DAV, "status")), value);
            }
        }
        throw new AssertionError("{" + namespace + "}" + local + " is not answered for " + path + ": " + multistatus.text());
    }

    /** The active locks in a LOCK answer or a {@code lockdiscovery} property. */
    static List<ActiveLock> activeLocks(Node scope) {
        List<ActiveLock> locks = new ArrayList<>();
        for (Element lock : all(scope, DAV, "activelock")) {
            Element token = first(lock, DAV, "locktoken");
            Element root = first(lock, DAV, "lockroot");
            Element owner = first(lock, DAV, "owner");
            locks.add(new ActiveLock(
                    token == null ? null : text(token, DAV, "href"),
                    childName(first(lock, DAV, "lockscope")),
                    childName(first(lock, DAV, "locktype")),
                    text(lock, DAV, "depth"),
                    text(lock, DAV, "timeout"),
                    owner == null ? null : owner.getTextContent().trim(),
                    root == null ? null : path(text(root, DAV, "href"))));
        }
        return locks;
    }

    /** The path of an href (absolute URL or path), percent-decoded, as clients compare them. */
    static String path(String href) {
        String raw = href.trim();
        if (raw.startsWith("http://") || raw.startsWith("https://")) {
            raw = URI.create(raw).getRawPath();
        }
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Seconds in a {@code Second-N} timeout, or -1 for {@code Infinite}. */
    static long timeoutSeconds(String timeout) {
        if (timeout.equalsIgnoreCase("Infinite")) {
            return -1;
        }
        if (!timeout.startsWith("Second-")) {
            throw new AssertionError("not a Timeout value (RFC 4918 10.7): " + timeout);
        }
        return Long.parseLong(timeout.substring("Second-".length()));
    }

    private static int statusCode(String statusLine) {
        if (statusLine == null) {
            throw new AssertionError("propstat without status");
        }
        return Integer.parseInt(statusLine.split(" ")[1]);
    }

    private static String childName(Element element) {
        if (element == null) {
            return null;
        }
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e) {
                return e.getLocalName();
            }
        }
        return null;
    }
}
