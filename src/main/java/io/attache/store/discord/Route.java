package io.attache.store.discord;

/**
 * One Discord API endpoint as the rate limiter sees it: the method and path template, with the
 * major parameter (channel or webhook id) kept, because Discord keys its buckets by template and
 * major parameter. {@link #path} is the concrete path and may hold a webhook token, so only
 * {@link #toString} (which never does) may be logged.
 *
 * @param method   HTTP method
 * @param template the path with placeholders, e.g. {@code /channels/{channel}/messages/{message}}
 * @param major    the major parameter's value, or "" for routes without one
 * @param path     the concrete path under the API base
 */
record Route(String method, String template, String major, String path) {

    static Route createMessage(String channel) {
        return new Route("POST", "/channels/{channel}/messages", channel, "/channels/" + channel + "/messages");
    }

    static Route getMessage(String channel, String message) {
        return new Route("GET", "/channels/{channel}/messages/{message}", channel,
                "/channels/" + channel + "/messages/" + message);
    }

    /**
     * Deleting a message older than 14 days is limited separately and more strictly by Discord,
     * so it gets its own route key.
     */
    static Route deleteMessage(String channel, String message, boolean old) {
        return new Route("DELETE", "/channels/{channel}/messages/{message}" + (old ? " (old)" : ""), channel,
                "/channels/" + channel + "/messages/" + message);
    }

    static Route bulkDelete(String channel) {
        return new Route("POST", "/channels/{channel}/messages/bulk-delete", channel,
                "/channels/" + channel + "/messages/bulk-delete");
    }

    static Route history(String channel) {
        return new Route("GET", "/channels/{channel}/messages", channel, "/channels/" + channel + "/messages");
    }

    static Route pins(String channel) {
        return new Route("GET", "/channels/{channel}/messages/pins", channel,
                "/channels/" + channel + "/messages/pins");
    }

    static Route pin(String channel, String message) {
        return new Route("PUT", "/channels/{channel}/messages/pins/{message}", channel,
                "/channels/" + channel + "/messages/pins/" + message);
    }

    static Route unpin(String channel, String message) {
        return new Route("DELETE", "/channels/{channel}/messages/pins/{message}", channel,
                "/channels/" + channel + "/messages/pins/" + message);
    }

    static Route executeWebhook(Webhook webhook) {
        return new Route("POST", "/webhooks/{webhook}/{token}", webhook.id(), webhook.path());
    }

    static Route getWebhook(Webhook webhook) {
        return new Route("GET", "/webhooks/{webhook}/{token}", webhook.id(), webhook.path());
    }

    static Route getWebhookMessage(Webhook webhook, String message) {
        return new Route("GET", "/webhooks/{webhook}/{token}/messages/{message}", webhook.id(),
                webhook.path() + "/messages/" + message);
    }

    static Route deleteWebhookMessage(Webhook webhook, String message) {
        return new Route("DELETE", "/webhooks/{webhook}/{token}/messages/{message}", webhook.id(),
                webhook.path() + "/messages/" + message);
    }

    static Route refreshUrls() {
        return new Route("POST", "/attachments/refresh-urls", "", "/attachments/refresh-urls");
    }

    static Route currentUser() {
        return new Route("GET", "/users/@me", "", "/users/@me");
    }

    /**
     * What Discord's bucket hash is learned for: method, template and major parameter. Discord
     * may answer two channels of one template with different hashes, so one channel's answer must
     * never re-map another's.
     */
    String hashKey() {
        return method + " " + template + " | " + major;
    }

    boolean isWebhook() {
        return template.startsWith("/webhooks/");
    }

    /** The template with the major parameter filled in; never holds a secret. */
    @Override
    public String toString() {
        String filled = template.replace(isWebhook() ? "{webhook}" : "{channel}", major);
        return method + " " + filled;
    }
}
