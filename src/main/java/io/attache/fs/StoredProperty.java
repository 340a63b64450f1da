package io.attache.fs;

/** A dead property: namespace, local name and the XML content of its element. */
public record StoredProperty(String namespace, String name, String value) {
}
