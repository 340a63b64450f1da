package io.attache.dav;

/** A property's namespaced name. */
record PropertyName(String namespace, String name) {

    static PropertyName dav(String name) {
        return new PropertyName(Xml.DAV, name);
    }

    static PropertyName of(XmlElement element) {
        return new PropertyName(element.namespace(), element.name());
    }
}
