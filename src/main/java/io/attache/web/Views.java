package io.attache.web;

import io.attache.fs.Entry;

import java.util.LinkedHashMap;
import java.util.Map;

/** How the pages see the file system's records: plain JSON, times in epoch milliseconds. */
final class Views {

    private Views() {
    }

    static Map<String, Object> entry(Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("path", e.path().toString());
        m.put("folder", e.folder());
        m.put("size", e.size());
        m.put("modified", e.modified().toEpochMilli());
        if (!e.folder()) {
            m.put("type", e.contentType());
        }
        return m;
    }
}
