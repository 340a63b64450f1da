package io.attache.store.discord;

import io.attache.store.discord.emulator.DiscordEmulator;
import io.attache.store.discord.emulator.EmulatorSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code attache discord check}: what works, what does not, and nothing left behind. */
class DiscordCheckTest {

    private DiscordEmulator emulator;

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void reportsEveryCredentialAndLaneAndLeavesNoProbeBehind() throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(3).tokens(3));
        List<String> tokens = emulator.tokens();
        List<String> channels = emulator.channelIds();
        emulator.addWebhook(channels.get(0));
        String goneHook = emulator.addWebhook(channels.get(1));
        emulator.revokeToken(tokens.get(2));
        emulator.setManageMessages(tokens.get(1), false);
        emulator.deleteChannel(channels.get(2));
        emulator.deleteWebhook(goneHook);

        DiscordCheck.Report report = DiscordCheck.run(Emulated.config(emulator).build());

        assertEquals(List.of(true, true, false), report.tokens().stream().map(DiscordCheck.TokenResult::valid).toList());
        assertEquals(emulator.userIdOf(tokens.get(0)), report.tokens().get(0).userId());
        DiscordCheck.LaneResult full = lane(report, "channel " + channels.get(0), "bot token #1");
        assertTrue(full.usable() && full.bulkDelete() && full.pin(), full.toString());
        DiscordCheck.LaneResult limited = lane(report, "channel " + channels.get(0), "bot token #2");
        assertTrue(limited.usable(), limited.toString());
        assertFalse(limited.bulkDelete() || limited.pin(), "no MANAGE_MESSAGES: " + limited);
        DiscordCheck.LaneResult deleted = lane(report, "channel " + channels.get(2), "bot token #1");
        assertFalse(deleted.usable());
        assertTrue(deleted.problem().contains("10003"), deleted.problem());
        assertTrue(lane(report, "webhook " + emulator.webhookIds().get(0), "its token").usable());
        DiscordCheck.LaneResult hook = lane(report, "webhook " + goneHook, "its token");
        assertTrue(hook.problem().contains("10015"), hook.problem());
        assertTrue(report.usable());
        assertEquals(0, emulator.messageCount(), "every probe is deleted");
        String text = report.toText();
        assertTrue(text.contains("FAIL  bot token #3: 401"), text);
        assertFalse(text.contains(tokens.get(0)), "the report never shows a token");
    }

    @Test
    void aConfigurationWithNothingUsableSaysSo() throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(1));
        emulator.revokeToken(emulator.tokens().get(0));
        DiscordCheck.Report report = DiscordCheck.run(Emulated.config(emulator).build());
        assertFalse(report.usable());
        assertTrue(report.toText().endsWith("NOT usable: no lane can store chunks\n"), report.toText());
    }

    private static DiscordCheck.LaneResult lane(DiscordCheck.Report report, String lane, String credential) {
        return report.lanes().stream().filter(l -> l.lane().equals(lane) && l.credential().equals(credential))
                .findFirst().orElseThrow(() -> new AssertionError("no " + lane + " with " + credential + " in " + report));
    }
}
