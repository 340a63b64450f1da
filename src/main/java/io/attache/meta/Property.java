package io.attache.meta;

/** A dead property: a namespaced name and its value as the XML content of the property element. */
public record Property(String namespace, String name, String value) {
}
