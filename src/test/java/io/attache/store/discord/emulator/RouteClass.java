package io.attache.store.discord.emulator;

/** The endpoints the emulator serves; counters and faults are kept per class. */
public enum RouteClass {
    MESSAGE_CREATE,
    WEBHOOK_EXECUTE,
    MESSAGE_GET,
    WEBHOOK_MESSAGE_GET,
    MESSAGE_DELETE,
    WEBHOOK_MESSAGE_DELETE,
    BULK_DELETE,
    HISTORY,
    PINS,
    PIN,
    UNPIN,
    REFRESH_URLS,
    CURRENT_USER,
    WEBHOOK_GET,
    CDN,
    UNKNOWN;

    public boolean isWebhook() {
        return this == WEBHOOK_EXECUTE || this == WEBHOOK_MESSAGE_GET || this == WEBHOOK_MESSAGE_DELETE
                || this == WEBHOOK_GET;
    }

    public boolean createsMessages() {
        return this == MESSAGE_CREATE || this == WEBHOOK_EXECUTE;
    }
}
