package io.attache.store.discord;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A webhook to upload through: its id (public, kept in locators) and its token (a secret, never
 * logged or stored in a locator). Requests always go to the configured API base, so a webhook URL
 * copied from Discord's UI works against an emulator or a proxy too.
 */
public record Webhook(String id, String token) {

    private static final Pattern ID = Pattern.compile("[0-9]{1,20}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.-]{1,200}");
    private static final Pattern IN_PATH = Pattern.compile("/webhooks/([0-9]{1,20})/([A-Za-z0-9_.-]{1,200})/?$");

    public Webhook {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a webhook id is a snowflake: " + id);
        }
        if (token == null || !TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException("webhook " + id + " has a malformed token");
        }
    }

    /**
     * Parses {@code https://discord.com/api/webhooks/{id}/{token}} (any host, any API version
     * prefix) or the short form {@code {id}/{token}}.
     */
    public static Webhook parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        String path;
        if (trimmed.contains("://")) {
            URI uri;
            try {
                uri = URI.create(trimmed);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a webhook URL: " + redact(trimmed));
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("a webhook URL has no query or fragment: " + redact(trimmed));
            }
            path = uri.getRawPath();
        } else {
            path = "/webhooks/" + trimmed;
        }
        Matcher m = path == null ? null : IN_PATH.matcher(path);
        if (m == null || !m.find()) {
            throw new IllegalArgumentException("not a webhook URL (…/webhooks/{id}/{token}): " + redact(trimmed));
        }
        return new Webhook(m.group(1), m.group(2));
    }

    /** The path under the API base, with the secret in it: never log it. */
    String path() {
        return "/webhooks/" + id + "/" + token;
    }

    @Override
    public String toString() {
        return "webhook " + id;
    }

    /** Keeps a secret out of an error message: everything after the last-but-one slash goes. */
    private static String redact(String text) {
        int cut = text.lastIndexOf('/');
        return cut < 0 ? "(redacted)" : text.substring(0, cut + 1) + "…";
    }
}
