package io.attache.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The pages' own files (HTML, CSS, JavaScript modules), read once from the jar: plain files, no
 * build step, nothing from elsewhere.
 */
final class Assets {

    static final String BASE = "/io/attache/web/static/";
    private static final String[] FILES = {"index.html", "share.html", "app.css", "app.js", "api.js", "files.js",
            "uploads.js", "transfers.js", "trash.js", "shares.js", "admin.js", "preview.js", "format.js",
            "virtual-list.js", "share.js"};
    private static final Map<String, String> TYPES = Map.of("html", "text/html;charset=utf-8",
            "css", "text/css;charset=utf-8", "js", "text/javascript;charset=utf-8");

    /** One file with its type and entity tag. */
    record Asset(byte[] bytes, String type, String etag) {
    }

    private final Map<String, Asset> assets;

    Assets() {
        Map<String, Asset> map = new java.util.HashMap<>();
        for (String name : FILES) {
            try (InputStream in = Assets.class.getResourceAsStream(BASE + name)) {
                if (in == null) {
                    throw new IllegalStateException("web asset " + name + " is missing from the jar");
                }
                byte[] bytes = in.readAllBytes();
                String ext = name.substring(name.lastIndexOf('.') + 1);
                map.put(name, new Asset(bytes, TYPES.get(ext), "\"" + sha256(bytes).substring(0, 16) + "\""));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        this.assets = Map.copyOf(map);
    }

    /** The asset named {@code name} ("app.js"), or null. */
    Asset get(String name) {
        return assets.get(name);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
