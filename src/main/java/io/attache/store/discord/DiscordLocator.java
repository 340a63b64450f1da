package io.attache.store.discord;

import io.attache.store.Locator;
import io.attache.store.StoreException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Discord locator holds: where the attachment is (channel, message, attachment id; the
 * webhook id for webhook uploads), its size, and the CRC32C of its bytes, which lets a whole-object
 * read detect a corrupted transfer. Never a URL: CDN URLs expire. Never a secret.
 *
 * <pre>
 * discord:c/{channel}/{message}/{attachment}/{size}/{crc32c as 8 hex digits}
 * discord:w/{webhook}/{channel}/{message}/{attachment}/{size}/{crc32c}
 * </pre>
 *
 * <p>Everything in it can be read back from the message itself (the CRC is part of the
 * attachment's file name), so {@code list()} reports exactly the locators {@code put()} returned.
 *
 * @param webhookId null for messages posted with a bot token
 */
record DiscordLocator(String webhookId, String channelId, String messageId, String attachmentId, long size, int crc32c) {

    static final String SCHEME = "discord";
    private static final Pattern BOT = Pattern.compile("c/(\\d{1,20})/(\\d{1,20})/(\\d{1,20})/(\\d{1,12})/([0-9a-f]{8})");
    private static final Pattern HOOK = Pattern.compile("w/(\\d{1,20})/(\\d{1,20})/(\\d{1,20})/(\\d{1,20})/(\\d{1,12})/([0-9a-f]{8})");

    boolean viaWebhook() {
        return webhookId != null;
    }

    Locator toLocator() {
        String tail = channelId + "/" + messageId + "/" + attachmentId + "/" + size + "/" + crcHex(crc32c);
        return Locator.of(SCHEME, viaWebhook() ? "w/" + webhookId + "/" + tail : "c/" + tail);
    }

    static DiscordLocator parse(Locator locator) throws StoreException.Permanent {
        if (!SCHEME.equals(locator.scheme())) {
            throw new StoreException.Permanent("not a Discord locator: " + locator);
        }
        Matcher bot = BOT.matcher(locator.rest());
        if (bot.matches()) {
            return new DiscordLocator(null, bot.group(1), bot.group(2), bot.group(3),
                    Long.parseLong(bot.group(4)), Integer.parseUnsignedInt(bot.group(5), 16));
        }
        Matcher hook = HOOK.matcher(locator.rest());
        if (hook.matches()) {
            return new DiscordLocator(hook.group(1), hook.group(2), hook.group(3), hook.group(4),
                    Long.parseLong(hook.group(5)), Integer.parseUnsignedInt(hook.group(6), 16));
        }
        throw new StoreException.Permanent("malformed Discord locator: " + locator);
    }

    static String crcHex(int crc) {
        return String.format("%08x", crc);
    }
}
