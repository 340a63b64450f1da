package io.attache.store.discord;

import io.attache.store.Locator;
import io.attache.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configuration record, webhook references and the locator format. */
class DiscordStoreConfigTest {

    private static final String TOKEN = "MTA1.secret-token_value.abcdefghij";

    @Test
    void defaultsFollowDiscordsDocumentedValues() {
        DiscordStoreConfig config = DiscordStoreConfig.builder().botToken(TOKEN).channel("123").build();
        assertEquals(URI.create("https://discord.com/api/v10"), config.apiBaseUrl());
        assertEquals(10_485_760, config.maxAttachmentSize());
        assertEquals(50, config.rateLimits().globalPerSecond());
        assertTrue(config.userAgent().startsWith("DiscordBot ("));
    }

    @Test
    void webhookUrlsAreRebasedOntoTheApiBase() {
        DiscordStoreConfig config = DiscordStoreConfig.builder()
                .apiBaseUrl("http://127.0.0.1:8080/api/v10/")
                .webhookUrl("https://discord.com/api/webhooks/111/tok-en_1")
                .webhookUrl("https://canary.discordapp.com/api/v9/webhooks/222/Tok.2/")
                .webhookUrl("333/short-form")
                .build();
        assertEquals(URI.create("http://127.0.0.1:8080/api/v10"), config.apiBaseUrl());
        assertEquals(List.of(new Webhook("111", "tok-en_1"), new Webhook("222", "Tok.2"), new Webhook("333", "short-form")),
                config.webhooks());
        assertEquals("/webhooks/111/tok-en_1", config.webhooks().get(0).path());
    }

    @Test
    void secretsNeverAppearInToString() {
        DiscordStoreConfig config = DiscordStoreConfig.builder().botToken(TOKEN).channel("123")
                .webhookUrl("https://discord.com/api/webhooks/111/very-secret").build();
        assertFalse(config.toString().contains("secret"), config.toString());
        assertTrue(config.toString().contains("webhook 111"));
    }

    @Test
    void aMalformedWebhookUrlIsRefusedWithoutEchoingItsToken() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Webhook.parse("https://discord.com/api/hooks/111/very-secret"));
        assertFalse(e.getMessage().contains("very-secret"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Webhook.parse("https://discord.com/api/webhooks/111/tok?x=1"));
        assertThrows(IllegalArgumentException.class, () -> Webhook.parse("abc/def"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-channel", "no-token", "bad-channel", "bad-token", "duplicate-channel", "empty",
            "zero-size", "huge-size", "ftp-base", "zero-concurrency", "bad-agent"})
    void invalidConfigurationsAreRefused(String which) {
        DiscordStoreConfig.Builder b = DiscordStoreConfig.builder();
        switch (which) {
            case "no-channel" -> b.botToken(TOKEN);
            case "no-token" -> b.channel("123");
            case "bad-channel" -> b.botToken(TOKEN).channel("12a");
            case "bad-token" -> b.botToken("Bot " + TOKEN).channel("1");
            case "duplicate-channel" -> b.botToken(TOKEN).channel("1").channel("1");
            case "empty" -> { }
            case "zero-size" -> b.botToken(TOKEN).channel("1").maxAttachmentSize(0);
            case "huge-size" -> b.botToken(TOKEN).channel("1").maxAttachmentSize(501L << 20);
            case "ftp-base" -> b.botToken(TOKEN).channel("1").apiBaseUrl("ftp://discord.com/api");
            case "zero-concurrency" -> b.botToken(TOKEN).channel("1").uploadConcurrency(0);
            case "bad-agent" -> b.botToken(TOKEN).channel("1").userAgent("x\ny");
            default -> throw new AssertionError(which);
        }
        assertThrows(IllegalArgumentException.class, b::build);
    }

    @Test
    void aWebhookAloneIsEnough() {
        DiscordStoreConfig config = DiscordStoreConfig.builder().webhookUrl("1/abc").build();
        assertTrue(config.botTokens().isEmpty());
    }

    @ParameterizedTest
    @CsvSource({
            "discord:c/100/200/300/10485760/0badf00d, , 100, 200, 300, 10485760, 0badf00d",
            "discord:w/9/100/200/300/0/ffffffff, 9, 100, 200, 300, 0, ffffffff"})
    void locatorsRoundTrip(String text, String webhook, String channel, String message, String attachment,
                           long size, String crc) throws Exception {
        DiscordLocator locator = DiscordLocator.parse(new Locator(text));
        assertEquals(webhook, locator.webhookId());
        assertEquals(channel, locator.channelId());
        assertEquals(message, locator.messageId());
        assertEquals(attachment, locator.attachmentId());
        assertEquals(size, locator.size());
        assertEquals(crc, DiscordLocator.crcHex(locator.crc32c()));
        assertEquals(text, locator.toLocator().value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"local:abc", "discord:c/1/2/3/4", "discord:c/1/2/3/4/XYZ12345", "discord:x/1/2/3/4/00000000",
            "discord:c/1/2/3/-4/00000000", "discord:c/https://cdn/1/2/3/00000000"})
    void malformedLocatorsArePermanentFailures(String text) {
        assertThrows(StoreException.Permanent.class, () -> DiscordLocator.parse(new Locator(text)));
    }

    @Test
    void snowflakesCarryTheirCreationTime() {
        assertEquals(1_420_070_400_000L, Snowflake.timestampMillis("0"));
        String id = Snowflake.atMillis(1_700_000_000_000L);
        assertEquals(1_700_000_000_000L, Snowflake.timestampMillis(id));
        assertEquals(1_700_000_000_000L, Snowflake.timestampMillis(Long.toString(Long.parseLong(id) + 4095)));
        assertTrue(Snowflake.isValid("1299999999999999999"));
        assertFalse(Snowflake.isValid("-1"));
        assertFalse(Snowflake.isValid("99999999999999999999"));
    }
}
