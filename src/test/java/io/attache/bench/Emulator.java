package io.attache.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The Discord emulator (test code, {@code DiscordEmulatorMain}) running as its own process, so
 * that its work does not share a JVM with the client or the server.
 *
 * @param environment the {@code ATTACHE_DISCORD_*} settings an Attaché needs to use it
 * @param base        its root URL, where {@code /_emulator/counters} answers
 */
record Emulator(Proc proc, Map<String, String> environment, URI base) {

    /** The emulator's traffic counters ({@code messagesCreated}, {@code cdnBytes}, {@code rateLimited}, ...). */
    Map<String, Long> counters() throws IOException {
        HttpURLConnection connection = (HttpURLConnection) base.resolve("/_emulator/counters").toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(10_000);
        if (connection.getResponseCode() != 200) {
            throw new IOException("emulator counters: status " + connection.getResponseCode());
        }
        Map<String, Long> counters = new HashMap<>();
        try (InputStream in = connection.getInputStream()) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    counters.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1).trim()));
                }
            }
        }
        return counters;
    }

    long counter(String name) throws IOException {
        Long value = counters().get(name);
        if (value == null) {
            throw new IOException("the emulator has no counter " + name);
        }
        return value;
    }
}
